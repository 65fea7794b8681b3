package io.kafkaflows.http.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import io.kafkaflows.config.DeclaredProperties;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link ApiSecurityHandler} in front of every path of the API port ({@code camel.server.*}) through Camel's
 * own hook for it (the HTTP server's AuthenticationConfig), once configured and before the server listens, so no
 * request is ever served unchecked. Refuses to start when the settings would leave the API open where the user
 * did not open it ({@link ApiSecuritySettings}); says once at start-up who may call it.
 */
public final class ApiSecurityMainListener extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApiSecurityMainListener.class);
    private ApiSecuritySettings settings;
    private ApiAuditLog audit;
    private ClientCertificateVertx vertx;

    /** Checked before anything starts (the local broker included), so a refused setting costs nothing. */
    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent pc = main.getCamelContext().getPropertiesComponent();
        if (Boolean.parseBoolean(pc.resolveProperty("camel.server.enabled").orElse("false"))) {
            settings = load(pc);
        }
    }

    private static ApiSecuritySettings load(PropertiesComponent pc) {
        Properties declared = DeclaredProperties.resolved(pc, "flows.http.");
        for (String key : List.of("camel.server.host", "camel.server.port", "camel.server.max-body-size",
                "camel.server.use-global-ssl-context-parameters", "camel.server.authentication-enabled",
                "camel.ssl.enabled", "camel.ssl.client-authentication", "flows.producer.allowed-topics")) {
            pc.resolveProperty(key).ifPresent(v -> declared.setProperty(key, v));
        }
        return ApiSecuritySettings.of(declared);
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        if (settings == null) {
            settings = load(context.getPropertiesComponent());
        }
        keepPlainWhereConfigured(context);
        if (settings.clientCertificates()) {
            vertx = new ClientCertificateVertx(settings.clientAuthentication());
            context.getRegistry().bind("kafkaFlowsClientCertificateVertx", vertx);
        }
        audit = new ApiAuditLog(context, settings.auditTopic());
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> new ApiAuthenticationProvider(
                new ApiSecurityHandler(settings, new ApiAuthenticator(vertx, settings), audit, context::isStarted)));
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends io.vertx.ext.auth.authentication.AuthenticationProvider> AuthenticationHandler
                    createAuthenticationHandler(T provider) {
                return ((ApiAuthenticationProvider) provider).handler();
            }
        });
        AuthenticationConfig config = server.getConfiguration().getAuthenticationConfig();
        config.getEntries().add(entry);
        config.setEnabled(true);
        describe(settings);
    }

    /**
     * Camel 4.22 turns camel.server/camel.management.use-global-ssl-context-parameters on whenever camel.ssl.* is
     * configured, even where it was set to false (BaseMainSupport checks for the key after binding has removed it), so
     * the management port would go TLS with the API. An explicit false is applied here, before the servers start.
     */
    private static void keepPlainWhereConfigured(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        if ("false".equals(pc.resolveProperty("camel.management.use-global-ssl-context-parameters").orElse(""))) {
            ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
            if (management != null) {
                management.setUseGlobalSslContextParameters(false);
            }
        }
        if ("false".equals(pc.resolveProperty("camel.server.use-global-ssl-context-parameters").orElse(""))) {
            context.hasService(MainHttpServer.class).setUseGlobalSslContextParameters(false);
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (audit != null) {
            audit.stop();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    private static void describe(ApiSecuritySettings s) {
        String address = s.host() + ":" + s.port();
        if (!s.authenticationConfigured()) {
            if (s.allowAnonymous()) {
                LOG.warn("HTTP API on {} is open to anyone who can reach it, as {} ({}=true)", address,
                        roles(s), ApiSecuritySettings.ALLOW_ANONYMOUS);
            } else {
                LOG.warn("HTTP API on {} has no authentication: only this host can call it, and every local caller is {}."
                        + " To open it to other hosts, set {} (or JWT or client certificates) and camel.server.host=0.0.0.0;"
                        + " {}", address, roles(s), ApiSecuritySettings.USERS_FILE, ApiSecuritySettings.HOW);
            }
            return;
        }
        List<String> methods = new ArrayList<>();
        if (s.usersFile() != null) {
            methods.add("basic (" + ApiSecuritySettings.USERS_FILE + ")");
        }
        if (s.jwt() != null) {
            methods.add("JWT (issuer " + s.jwt().issuer() + ", audience " + s.jwt().audience() + ")");
        }
        if (s.clientCertificates()) {
            methods.add("client certificates");
        }
        LOG.info("HTTP API on {}{} authenticates with {}; anonymous callers {}", address, s.tls() ? " (TLS)" : "",
                String.join(", ", methods), s.allowAnonymous() ? "are " + roles(s) : "are refused");
    }

    private static String roles(ApiSecuritySettings s) {
        return s.anonymousRoles().stream().map(ApiRole::label).sorted().collect(Collectors.joining("+"));
    }
}
