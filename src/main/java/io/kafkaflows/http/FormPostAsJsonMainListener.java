package io.kafkaflows.http;

import java.util.Locale;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Reads request bodies under {@code /api/} as JSON even when the client labels them form-urlencoded, which is what
 * {@code curl -d '{"value": ...}'} does by default. Without this the HTTP layer would form-decode the JSON (turning
 * {@code +} into a space, splitting at {@code &} and {@code =}) before any route sees it. Installs a first Vert.x
 * handler on the app's HTTP router that relabels such requests as {@code application/json}.
 */
public final class FormPostAsJsonMainListener extends MainListenerSupport {

    private static final String FORM = "application/x-www-form-urlencoded";

    @Override
    public void afterStart(BaseMainSupport main) {
        int port = Integer.parseInt(main.getCamelContext().getPropertiesComponent()
                .resolveProperty("camel.server.port").orElse("8080"));
        Router router = VertxPlatformHttpRouter.lookup(main.getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("no HTTP router on port " + port + " (camel.server.enabled=false?)");
        }
        router.route("/api/*").order(-1000).handler(ctx -> {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
                ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
            }
            ctx.next();
        });
    }
}
