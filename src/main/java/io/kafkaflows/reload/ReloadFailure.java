package io.kafkaflows.reload;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.URISupport;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * What a failed reload reports in one line: the file, the line, the problem. Found from the exception: a YAML mark
 * (parse and DSL errors), a javac diagnostic (routes/*.java), or the route that failed to start and its definition's
 * source location (an unknown endpoint option, a missing bean). Secrets in URIs are masked.
 */
record ReloadFailure(String file, int line, String problem, Throwable cause) {

    private static final Pattern JAVAC = Pattern.compile("([\\w./-]+\\.java):(\\d+):\\s*(?:error:\\s*)?([^\\n]+)");
    private static final Pattern NODE = Pattern.compile(">>> (.+?) <<<");

    String describe() {
        return (file == null ? "route files" : file) + (line > 0 ? " line " + line : "") + ": " + problem;
    }

    static ReloadFailure of(Throwable error, Collection<String> changed, CamelContext context) {
        String fallback = changed.size() == 1 ? changed.iterator().next() : (changed.isEmpty() ? null : String.join(", ", changed));
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml) {
                String file = yaml.getProblemMark().map(m -> fileOf(m.getName())).orElse(fallback);
                int line = yaml.getProblemMark().map(m -> m.getLine() + 1).orElse(-1);
                String problem = yaml.getProblem() != null ? yaml.getProblem() : firstLine(yaml.getMessage());
                return new ReloadFailure(file, line, clean(problem), error);
            }
            Matcher javac = t.getMessage() == null ? null : JAVAC.matcher(t.getMessage());
            if (javac != null && javac.find()) {
                String file = fallback != null && fallback.endsWith(javac.group(1).replaceFirst("^.*/", "")) ? fallback : javac.group(1);
                return new ReloadFailure(file, Integer.parseInt(javac.group(2)), "compile error: " + clean(javac.group(3)), error);
            }
        }
        String routeId = routeIdOf(error);
        RouteDefinition route = routeId == null ? null
                : context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinition(routeId);
        String file = route != null && route.getLocation() != null ? fileOf(route.getLocation()) : fallback;
        int line = route != null ? lineOf(route, error) : -1;
        String problem = clean(firstLine(rootCause(error).getMessage()));
        return new ReloadFailure(file, line, (routeId != null ? "route " + routeId + ": " : "") + problem, error);
    }

    private static String routeIdOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException created) {
                return created.getRouteId();
            }
            if (t instanceof FailedToStartRouteException started) {
                return started.getRouteId();
            }
        }
        return null;
    }

    /** The line of the step the exception points at (">>> To[...] <<<"), else of the route's from. */
    private static int lineOf(RouteDefinition route, Throwable error) {
        Matcher node = error.getMessage() == null ? null : NODE.matcher(error.getMessage());
        if (node != null && node.find()) {
            for (ProcessorDefinition<?> step : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ProcessorDefinition.class)) {
                if (node.group(1).equals(step.toString()) && step.getLineNumber() > 0) {
                    return step.getLineNumber();
                }
            }
        }
        if (route.getInput() != null && route.getInput().getLineNumber() > 0) {
            return route.getInput().getLineNumber();
        }
        return route.getLineNumber();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String fileOf(String location) {
        if (location == null) {
            return null;
        }
        String file = location.startsWith("file:") ? location.substring("file:".length()) : location;
        return file.startsWith("./") ? file.substring(2) : file;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }

    private static String clean(String text) {
        return URISupport.sanitizeUri(text.trim());
    }

}
