package io.kafkaflows.http.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which role each endpoint of the API port needs, from {@code flows.http.access.<operation>=<METHOD> <path> <role>}
 * (path segments such as {@code {topic}} match one segment and are handed on as arguments). A request no rule
 * matches still needs a role: {@code viewer} for GET and HEAD, {@code admin} for anything else, so a route added
 * later is never open. Calls of methods other than GET and HEAD are state-changing and audited, except the
 * producer's record writes (the data plane).
 */
public final class ApiAccessRules {

    public static final String PREFIX = "flows.http.access.";
    private static final Pattern SEGMENT = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_-]*)}");

    /** One endpoint: its operation name (as audited), method, path pattern and the role it needs. */
    public record Rule(String operation, String method, Pattern path, List<String> parameters, ApiRole role) {

        public boolean audited() {
            return !isRead(method) && role != ApiRole.PRODUCER;
        }
    }

    /** A request's rule and the path arguments it matched (decoded). */
    public record Match(Rule rule, Map<String, String> arguments) {
    }

    private final List<Rule> rules;

    private ApiAccessRules(List<Rule> rules) {
        this.rules = rules;
    }

    public static ApiAccessRules parse(Properties declared) {
        List<Rule> rules = new ArrayList<>();
        for (String key : declared.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                rules.add(rule(key.substring(PREFIX.length()), key, declared.getProperty(key)));
            }
        }
        // literal paths before patterns, as the router orders them
        rules.sort((a, b) -> Integer.compare(a.parameters().size(), b.parameters().size()));
        return new ApiAccessRules(List.copyOf(rules));
    }

    private static Rule rule(String operation, String key, String value) {
        String[] parts = value.trim().split("\\s+");
        if (parts.length != 3 || !parts[1].startsWith("/")) {
            throw ApiSecuritySettings.refused(key + "=" + value + ": expected '<METHOD> <path> <role>', e.g."
                    + " 'DELETE /api/topics/{name} admin'");
        }
        ApiRole role = ApiRole.of(parts[2]).orElseThrow(() -> ApiSecuritySettings.refused(key + "=" + value
                + ": unknown role '" + parts[2] + "' (viewer, operator, admin, producer)"));
        List<String> parameters = new ArrayList<>();
        Matcher m = SEGMENT.matcher(parts[1]);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(parts[1].substring(last, m.start()))).append("([^/]+)");
            parameters.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(parts[1].substring(last)));
        return new Rule(operation, parts[0].toUpperCase(Locale.ROOT), Pattern.compile(regex.toString()),
                List.copyOf(parameters), role);
    }

    /** The rule of a request ({@code path} as the router normalised it); the fallback rule when none matches. */
    public Match match(String method, String path) {
        String m = "HEAD".equals(method) ? "GET" : method;
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Rule rule : rules) {
            if (!rule.method().equals(m)) {
                continue;
            }
            Matcher matcher = rule.path().matcher(p);
            if (matcher.matches()) {
                Map<String, String> arguments = new LinkedHashMap<>();
                for (int i = 0; i < rule.parameters().size(); i++) {
                    arguments.put(rule.parameters().get(i), decode(matcher.group(i + 1)));
                }
                return new Match(rule, arguments);
            }
        }
        ApiRole role = isRead(m) ? ApiRole.VIEWER : ApiRole.ADMIN;
        return new Match(new Rule("other", m, null, List.of(), role), Map.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
