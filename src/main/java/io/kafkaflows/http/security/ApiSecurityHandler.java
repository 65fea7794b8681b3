package io.kafkaflows.http.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.kafkaflows.http.security.ApiAccessRules.Match;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;

/**
 * The first handler of every request on the API port, before Camel reads the body: refuses a declared body over
 * {@code camel.server.max-body-size} (413), authenticates (401), checks the role the endpoint needs and, for
 * record writes, the principal's topics (403), applies the per-principal rate limits (429 with Retry-After), and
 * audits state-changing calls once answered. While Camel is starting or stopping (the server is up, the routes
 * are not) it answers 503 with Retry-After, not a misleading 404. Refusals use the API's JSON error shape and never
 * reach a route.
 */
final class ApiSecurityHandler implements AuthenticationHandler {

    private final ApiSecuritySettings settings;
    private final ApiAuthenticator authenticator;
    private final ApiRateLimiter limiter;
    private final ApiAuditLog audit;
    private final String challenge;
    private final BooleanSupplier routesRunning;

    ApiSecurityHandler(ApiSecuritySettings settings, ApiAuthenticator authenticator, ApiAuditLog audit,
                       BooleanSupplier routesRunning) {
        this.routesRunning = routesRunning;
        this.settings = settings;
        this.authenticator = authenticator;
        this.limiter = new ApiRateLimiter(settings.rateLimits());
        this.audit = audit;
        this.challenge = settings.usersFile() != null ? "Basic realm=\"kafka-flows\"" : settings.jwt() != null ? "Bearer" : null;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        HttpServerRequest request = ctx.request();
        if (!routesRunning.getAsBoolean()) {
            ctx.response().putHeader("Retry-After", "1");
            refuse(ctx, 503, "unavailable", "the app is starting or stopping; retry");
            return;
        }
        Match match;
        try {
            match = settings.rules().match(request.method().name(), ctx.normalizedPath());
        } catch (IllegalArgumentException e) {
            refuse(ctx, 400, "bad_request", "malformed path");
            return;
        }
        if (match.rule().audited()) {
            ctx.addEndHandler(v -> audited(ctx, match, started));
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            refuse(ctx, 413, "payload_too_large", "request body over " + settings.maxBodySize()
                    + " bytes (camel.server.max-body-size)");
            return;
        }
        request.pause();
        authenticator.authenticate(request).onComplete(result -> {
            request.resume();
            if (result.failed()) {
                ApiAuthenticator.Unauthenticated u = result.cause() instanceof ApiAuthenticator.Unauthenticated x ? x : null;
                ctx.put(ApiPrincipal.class.getName(), u == null ? null : u.claimed);
                if (challenge != null) {
                    ctx.response().putHeader("WWW-Authenticate", challenge);
                }
                refuse(ctx, 401, "unauthorized", "credentials missing or invalid");
                return;
            }
            ApiPrincipal principal = result.result();
            ctx.put(ApiPrincipal.class.getName(), principal);
            authorize(ctx, match, principal, started);
        });
    }

    private void authorize(RoutingContext ctx, Match match, ApiPrincipal principal, long started) {
        ApiAccessRules.Rule rule = match.rule();
        if (!ApiRole.granted(principal.roles(), rule.role())) {
            refuse(ctx, 403, "forbidden", rule.operation() + " needs role " + rule.role().label());
            return;
        }
        String topic = match.arguments().get("topic");
        if (rule.role() == ApiRole.PRODUCER && topic != null && !principal.mayWrite(topic)) {
            refuse(ctx, 403, "topic_not_allowed", principal.topics() == null
                    ? "no topics granted to this principal (flows.http.principals.<name>.topics)"
                    : "this principal may not write to topic " + topic);
            return;
        }
        long waitSeconds = limiter.acquire(rule.operation(), principal.name(), started);
        if (waitSeconds > 0) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(waitSeconds));
            refuse(ctx, 429, "rate_limited", rule.operation() + " is limited per principal"
                    + " (flows.http.rate-limit." + rule.operation() + ")");
            return;
        }
        ctx.next();
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > settings.maxBodySize();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void refuse(RoutingContext ctx, int status, String error, String detail) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", error).put("detail", detail).encode());
    }

    private void audited(RoutingContext ctx, Match match, long started) {
        Object who = ctx.get(ApiPrincipal.class.getName());
        ApiPrincipal principal = who instanceof ApiPrincipal p ? p : null;
        Map<String, Object> arguments = new LinkedHashMap<>(match.arguments());
        ctx.queryParams().forEach(e -> arguments.put(e.getKey(), e.getValue()));
        String body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().asString();
        audit.record(principal != null ? principal.name() : (String) who, principal != null ? principal.via() : null,
                String.valueOf(ctx.request().remoteAddress()), match.rule().operation(), ctx.request().method().name(),
                ctx.request().path(), arguments, body, ctx.response().getStatusCode(),
                (System.nanoTime() - started) / 1_000_000);
    }
}
