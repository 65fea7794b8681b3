package io.kafkaflows.http.security;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;

/**
 * Carries the {@link ApiSecurityHandler} from Camel's provider factory (the one step that is handed the server's
 * Vert.x instance) to its handler factory. Credentials are checked by the handler, so this provider verifies none.
 */
final class ApiAuthenticationProvider implements AuthenticationProvider {

    private final ApiSecurityHandler handler;

    ApiAuthenticationProvider(ApiSecurityHandler handler) {
        this.handler = handler;
    }

    ApiSecurityHandler handler() {
        return handler;
    }

    @Override
    public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> resultHandler) {
        resultHandler.handle(Future.failedFuture("credentials are checked by ApiSecurityHandler"));
    }
}
