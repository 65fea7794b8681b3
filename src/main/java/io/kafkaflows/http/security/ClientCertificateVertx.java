package io.kafkaflows.http.security;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;

/**
 * The Vert.x instance Camel's HTTP server uses when the API authenticates client certificates: it asks TLS clients
 * for a certificate ({@code camel.ssl.client-authentication}: WANT or REQUIRE). Camel 4.22 builds the server's TLS
 * options from the key and trust managers only (VertxHelper.setupSSLOptions) and never sets the client-auth mode,
 * so without this the server would never request one. Camel picks this instance up from the registry
 * (VertxPlatformHttpServer.lookupVertx); plain-HTTP servers, such as the management port, are left as they are.
 */
final class ClientCertificateVertx extends VertxWrapper {

    private final ClientAuth mode;

    ClientCertificateVertx(String clientAuthentication) {
        super((VertxInternal) Vertx.vertx());
        this.mode = "REQUIRE".equals(clientAuthentication) ? ClientAuth.REQUIRED : ClientAuth.REQUEST;
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        if (options.isSsl() && options.getClientAuth() == ClientAuth.NONE) {
            options.setClientAuth(mode);
        }
        return super.createHttpServer(options);
    }
}
