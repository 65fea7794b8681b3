package io.kafkaflows.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.RouteWatcherReloadStrategy;

/**
 * camel.main.routes-reload-enabled=true (the dev profile): Camel Main's RouteWatcherReloadStrategy keeps watching
 * camel.main.routes-reload-directory for files matching -pattern, and {@link FlowReloadStrategy} does the reload.
 * Camel's own reload adds the file of every other route once per route (remove-all-routes, its default): the first
 * file with several routes fails on a duplicate route id, and the failed reload leaves the app without routes.
 */
public final class ReloadMainListener extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        RouteWatcherReloadStrategy watcher = context.hasService(RouteWatcherReloadStrategy.class);
        if (watcher == null) {
            return;
        }
        try {
            context.addService(new FlowReloadStrategy(watcher));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot set up route reloading: " + e.getMessage(), e);
        }
    }
}
