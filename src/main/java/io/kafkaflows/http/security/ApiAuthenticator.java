package io.kafkaflows.http.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.kafkaflows.http.security.ApiSecuritySettings.JwtSettings;
import io.kafkaflows.http.security.ApiSecuritySettings.PrincipalGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.properties.PropertyFileAuthentication;
import io.vertx.ext.auth.properties.PropertyFileAuthorization;

/**
 * Who a request comes from, with Vert.x's own providers: HTTP basic against the users file (Vert.x's properties
 * format, the one Camel's {@code camel.server.basic-properties-file} takes: {@code user.<name>=<password>,<role>...}),
 * a bearer JWT (signature, expiry, issuer and audience checked by Vert.x; roles from a claim), or the client
 * certificate TLS verified (its subject's CN). Roles and topics declared under {@code flows.http.principals.<name>}
 * add to what the credential carries. A request with an Authorization header that does not verify is refused,
 * never treated as anonymous.
 */
final class ApiAuthenticator {

    /** The request's credentials are missing or do not verify: answered 401. */
    static final class Unauthenticated extends RuntimeException {
        final String claimed;

        Unauthenticated(String claimed) {
            super("credentials missing or invalid", null, false, false);
            this.claimed = claimed;
        }
    }

    private final ApiSecuritySettings settings;
    private final PropertyFileAuthentication users;
    private final PropertyFileAuthorization userRoles;
    private final JWTAuth jwt;

    ApiAuthenticator(Vertx vertx, ApiSecuritySettings settings) {
        this.settings = settings;
        this.users = settings.usersFile() == null ? null : PropertyFileAuthentication.create(vertx, settings.usersFile());
        this.userRoles = settings.usersFile() == null ? null : PropertyFileAuthorization.create(vertx, settings.usersFile());
        this.jwt = settings.jwt() == null ? null : JWTAuth.create(vertx, jwtOptions(settings.jwt()));
    }

    Future<ApiPrincipal> authenticate(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? authorization : authorization.substring(0, space);
            String value = space < 0 ? "" : authorization.substring(space + 1).trim();
            if ("Basic".equalsIgnoreCase(scheme) && users != null) {
                return basic(value);
            }
            if ("Bearer".equalsIgnoreCase(scheme) && jwt != null) {
                return bearer(value);
            }
            return Future.failedFuture(new Unauthenticated(null));
        }
        if (settings.clientCertificates() && request.isSSL()) {
            String cn = certificateName(request);
            if (cn != null) {
                return Future.succeededFuture(principal(cn, "client-certificate", Set.of()));
            }
        }
        if (settings.anonymousAllowed()) {
            return Future.succeededFuture(new ApiPrincipal(ApiPrincipal.ANONYMOUS, "none", settings.anonymousRoles(),
                    settings.anonymousTopics()));
        }
        return Future.failedFuture(new Unauthenticated(null));
    }

    private Future<ApiPrincipal> basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new Unauthenticated(null));
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Future.failedFuture(new Unauthenticated(null));
        }
        String name = decoded.substring(0, colon);
        return users.authenticate(new UsernamePasswordCredentials(name, decoded.substring(colon + 1)))
                .recover(e -> Future.failedFuture(new Unauthenticated(name)))
                .compose(user -> userRoles.getAuthorizations(user)
                        .map(v -> principal(name, "basic", roleNames(user.authorizations().get(userRoles.getId())))));
    }

    private Future<ApiPrincipal> bearer(String token) {
        return jwt.authenticate(new TokenCredentials(token))
                .recover(e -> Future.failedFuture(new Unauthenticated(null)))
                .compose(user -> {
                    // the token's claims as Vert.x decoded them (principal() leaves exp and iat out)
                    JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
                    if (!claims.containsKey("exp")) {
                        // Vert.x accepts a token without expiry; one that never expires is refused here
                        return Future.failedFuture(new Unauthenticated(null));
                    }
                    Object name = claimAt(claims, settings.jwt().principalClaim());
                    if (!(name instanceof String s) || s.isBlank()) {
                        return Future.failedFuture(new Unauthenticated(null));
                    }
                    return Future.succeededFuture(principal(s, "jwt", claimedRoles(claimAt(claims, settings.jwt().rolesClaim()))));
                });
    }

    private ApiPrincipal principal(String name, String via, Set<ApiRole> credentialRoles) {
        PrincipalGrant grant = settings.principals().get(name);
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        roles.addAll(credentialRoles);
        Pattern topics = null;
        if (grant != null) {
            roles.addAll(grant.roles());
            topics = grant.topics();
        }
        return new ApiPrincipal(name, via, Set.copyOf(roles), topics);
    }

    private static Set<ApiRole> roleNames(Set<Authorization> authorizations) {
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        if (authorizations != null) {
            for (Authorization a : authorizations) {
                if (a instanceof RoleBasedAuthorization r) {
                    ApiRole.of(r.getRole()).ifPresent(roles::add);
                }
            }
        }
        return roles;
    }

    private static Set<ApiRole> claimedRoles(Object claim) {
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        if (claim instanceof JsonArray array) {
            array.forEach(r -> {
                if (r instanceof String s) {
                    ApiRole.of(s).ifPresent(roles::add);
                }
            });
        } else if (claim instanceof String s) {
            for (String r : s.split("[ ,]")) {
                ApiRole.of(r).ifPresent(roles::add);
            }
        }
        return roles;
    }

    /** A claim by dotted path, e.g. {@code realm_access.roles}. */
    private static Object claimAt(JsonObject claims, String path) {
        Object node = claims;
        for (String part : path.split("\\.")) {
            if (!(node instanceof JsonObject o)) {
                return null;
            }
            node = o.getValue(part);
        }
        return node;
    }

    private static String certificateName(HttpServerRequest request) {
        try {
            Principal peer = request.sslSession().getPeerPrincipal();
            for (Rdn rdn : new LdapName(peer.getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }

    private static JWTAuthOptions jwtOptions(JwtSettings jwt) {
        String pem;
        try {
            pem = Files.readString(Path.of(jwt.publicKeyFile()));
        } catch (java.io.IOException e) {
            throw ApiSecuritySettings.refused(ApiSecuritySettings.JWT_KEY + "=" + jwt.publicKeyFile() + ": " + e.getMessage());
        }
        return new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(jwt.algorithm()).setBuffer(pem))
                .setJWTOptions(new JWTOptions().setIssuer(jwt.issuer()).setAudience(List.of(jwt.audience()))
                        .setLeeway(jwt.leewaySeconds()));
    }
}
