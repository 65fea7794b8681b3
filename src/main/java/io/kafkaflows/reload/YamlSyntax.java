package io.kafkaflows.reload;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Parses the changed YAML files on their own before anything is reloaded: a file that is not YAML at all (a bad
 * indent, an unclosed quote) is reported with its line and stops nothing. Camel's loader would also fail, but only
 * after binding the other files' beans anew.
 */
final class YamlSyntax {

    private YamlSyntax() {
    }

    static ReloadFailure check(List<String> files) {
        for (String file : files) {
            Path path = Path.of(file);
            if (!file.endsWith(".yaml") || !Files.isRegularFile(path)) {
                continue;
            }
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                new Load(LoadSettings.builder().setLabel(file).build()).loadAllFromReader(in).forEach(doc -> { });
            } catch (MarkedYamlEngineException e) {
                int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(-1);
                String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
                if (e.getContext() != null) {
                    // "while scanning a quoted scalar" (started at line N), "found unexpected end of stream"
                    problem = e.getContext() + e.getContextMark().map(m -> " (line " + (m.getLine() + 1) + ")").orElse("")
                            + ", " + problem;
                }
                return new ReloadFailure(file, line, "invalid YAML: " + problem, e);
            } catch (Exception e) {
                return new ReloadFailure(file, -1, "invalid YAML: " + e.getMessage(), e);
            }
        }
        return null;
    }
}
