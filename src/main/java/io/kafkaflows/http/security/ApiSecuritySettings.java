package io.kafkaflows.http.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.kafkaflows.config.ConfigurationRefusedException;

/**
 * The API port's security settings ({@code flows.http.*}, and the {@code camel.server.*} / {@code camel.ssl.*} keys
 * they depend on), checked once at start-up. Every refusal names the key and what to set instead, because the app
 * must not start with an API that is open where the user did not open it.
 */
public record ApiSecuritySettings(
        String host, int port, boolean tls, String clientAuthentication, long maxBodySize,
        String usersFile, JwtSettings jwt, boolean clientCertificates,
        boolean allowAnonymous, Set<ApiRole> anonymousRoles, Pattern anonymousTopics, boolean requireAuthentication,
        Map<String, PrincipalGrant> principals, ApiAccessRules rules, Map<String, Double> rateLimits,
        String auditTopic) {

    public static final String USERS_FILE = "flows.http.auth.users-file";
    public static final String JWT_KEY = "flows.http.auth.jwt.public-key-file";
    public static final String CLIENT_CERTIFICATES = "flows.http.auth.client-certificates";
    public static final String ALLOW_ANONYMOUS = "flows.http.allow-anonymous";
    public static final String REQUIRE_AUTHENTICATION = "flows.http.require-authentication";
    static final String PRINCIPALS = "flows.http.principals.";
    static final String RATE_LIMIT = "flows.http.rate-limit.";
    static final String HOW = "see docs/deployment.md, 'HTTP API security'";

    /** Bearer tokens: signature key, the issuer and audience every token must carry, where roles and name are. */
    public record JwtSettings(String publicKeyFile, String algorithm, String issuer, String audience,
                              String rolesClaim, String principalClaim, int leewaySeconds) {
    }

    /** Roles and writable topics granted to a principal by name, whichever way it authenticated. */
    public record PrincipalGrant(Set<ApiRole> roles, Pattern topics) {
    }

    /** {@code declared}: every {@code flows.http.*}, {@code camel.server.*} and {@code camel.ssl.*} key, resolved. */
    public static ApiSecuritySettings of(Properties declared) {
        String host = declared.getProperty("camel.server.host", "0.0.0.0");
        // Camel Main serves the API with the global SSL context (camel.ssl.*) unless told not to
        boolean tls = bool(declared, "camel.ssl.enabled")
                && !"false".equals(declared.getProperty("camel.server.use-global-ssl-context-parameters", "").trim());
        String clientAuth = declared.getProperty("camel.ssl.client-authentication", "NONE").toUpperCase(Locale.ROOT);
        JwtSettings jwt = jwt(declared);
        String usersFile = blankToNull(declared.getProperty(USERS_FILE));
        boolean certificates = bool(declared, CLIENT_CERTIFICATES);
        ApiSecuritySettings settings = new ApiSecuritySettings(host,
                Integer.parseInt(declared.getProperty("camel.server.port", "8080")), tls, clientAuth,
                Long.parseLong(declared.getProperty("camel.server.max-body-size", "10485760")),
                usersFile, jwt, certificates,
                bool(declared, ALLOW_ANONYMOUS),
                roles(declared, "flows.http.anonymous-roles", declared.getProperty("flows.http.anonymous-roles", "admin,producer")),
                pattern("flows.producer.allowed-topics", declared.getProperty("flows.producer.allowed-topics", "")),
                bool(declared, REQUIRE_AUTHENTICATION),
                principals(declared), ApiAccessRules.parse(declared), rateLimits(declared),
                blankToNull(declared.getProperty("flows.http.audit.topic")));
        settings.check(declared);
        return settings;
    }

    public boolean authenticationConfigured() {
        return usersFile != null || jwt != null || clientCertificates;
    }

    /** Anonymous callers get {@link #anonymousRoles}: by choice, or because nothing is configured and only this host can connect. */
    public boolean anonymousAllowed() {
        return allowAnonymous || (!authenticationConfigured() && loopback(host));
    }

    private void check(Properties declared) {
        if (bool(declared, "camel.server.authentication-enabled")) {
            throw refused("camel.server.authentication-enabled=true: kafka-flows authenticates its API itself, with"
                    + " roles (flows.http.auth.*); switch Camel's authentication off, " + HOW);
        }
        if (requireAuthentication && !authenticationConfigured()) {
            throw refused(REQUIRE_AUTHENTICATION + "=true (the prod and secure profiles) but no HTTP authentication is"
                    + " configured: set " + USERS_FILE + ", " + JWT_KEY + " or " + CLIENT_CERTIFICATES + "=true, " + HOW);
        }
        if (!authenticationConfigured() && !loopback(host) && !allowAnonymous) {
            throw refused("camel.server.host=" + host + " without HTTP authentication would let anyone who reaches port "
                    + port + " delete topics: configure " + USERS_FILE + ", " + JWT_KEY + " or " + CLIENT_CERTIFICATES
                    + ", or set " + ALLOW_ANONYMOUS + "=true to open it deliberately, " + HOW);
        }
        if (usersFile != null && !Files.isReadable(Path.of(usersFile))) {
            throw refused(USERS_FILE + "=" + usersFile + ": file not readable");
        }
        if (jwt != null) {
            if (!Files.isReadable(Path.of(jwt.publicKeyFile()))) {
                throw refused(JWT_KEY + "=" + jwt.publicKeyFile() + ": file not readable");
            }
            if (jwt.issuer() == null || jwt.audience() == null) {
                throw refused("flows.http.auth.jwt.issuer and flows.http.auth.jwt.audience are required with " + JWT_KEY
                        + ": without them any token signed by that key would be accepted, whoever it was issued for");
            }
        }
        if (clientCertificates && (!tls || "NONE".equals(clientAuthentication))) {
            throw refused(CLIENT_CERTIFICATES + "=true needs TLS on the API port that asks for client certificates:"
                    + " camel.ssl.enabled=true, camel.ssl.client-authentication=WANT or REQUIRE and camel.ssl.trust-store, "
                    + HOW);
        }
    }

    private static JwtSettings jwt(Properties p) {
        String key = blankToNull(p.getProperty(JWT_KEY));
        if (key == null) {
            return null;
        }
        return new JwtSettings(key, p.getProperty("flows.http.auth.jwt.algorithm", "RS256"),
                blankToNull(p.getProperty("flows.http.auth.jwt.issuer")),
                blankToNull(p.getProperty("flows.http.auth.jwt.audience")),
                p.getProperty("flows.http.auth.jwt.roles-claim", "roles"),
                p.getProperty("flows.http.auth.jwt.principal-claim", "sub"),
                Integer.parseInt(p.getProperty("flows.http.auth.jwt.leeway-seconds", "30")));
    }

    /** {@code flows.http.principals.<name>.roles} and {@code .topics}; a name may itself contain dots. */
    private static Map<String, PrincipalGrant> principals(Properties p) {
        Map<String, Set<ApiRole>> roles = new HashMap<>();
        Map<String, Pattern> topics = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith(PRINCIPALS)) {
                continue;
            }
            String rest = key.substring(PRINCIPALS.length());
            if (rest.endsWith(".roles")) {
                roles.put(rest.substring(0, rest.length() - 6), roles(p, key, p.getProperty(key)));
            } else if (rest.endsWith(".topics")) {
                topics.put(rest.substring(0, rest.length() - 7), pattern(key, p.getProperty(key)));
            } else {
                throw refused(key + ": unknown key (flows.http.principals.<name>.roles or .topics)");
            }
        }
        Map<String, PrincipalGrant> grants = new HashMap<>();
        roles.forEach((name, r) -> grants.put(name, new PrincipalGrant(r, topics.get(name))));
        topics.forEach((name, t) -> grants.putIfAbsent(name, new PrincipalGrant(Set.of(), t)));
        return Map.copyOf(grants);
    }

    private static Map<String, Double> rateLimits(Properties p) {
        Map<String, Double> limits = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(RATE_LIMIT)) {
                try {
                    double perSecond = Double.parseDouble(p.getProperty(key).trim());
                    if (perSecond > 0) {
                        limits.put(key.substring(RATE_LIMIT.length()), perSecond);
                    }
                } catch (NumberFormatException e) {
                    throw refused(key + "=" + p.getProperty(key) + ": requests per second per principal (0: no limit)");
                }
            }
        }
        return Map.copyOf(limits);
    }

    private static Set<ApiRole> roles(Properties p, String key, String value) {
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                roles.add(ApiRole.of(name).orElseThrow(() -> refused(key + "=" + value + ": unknown role '" + name.trim()
                        + "' (viewer, operator, admin, producer)")));
            }
        }
        return Set.copyOf(roles);
    }

    private static Pattern pattern(String key, String regex) {
        if (regex == null || regex.isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(regex.trim());
        } catch (PatternSyntaxException e) {
            throw refused(key + "=" + regex + ": not a regular expression (" + e.getDescription() + ")");
        }
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean bool(Properties p, String key) {
        return Boolean.parseBoolean(p.getProperty(key, "false").trim());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    static ConfigurationRefusedException refused(String message) {
        return new ConfigurationRefusedException(message);
    }
}
