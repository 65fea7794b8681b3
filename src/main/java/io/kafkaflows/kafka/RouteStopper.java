package io.kafkaflows.kafka;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops a route from outside its own consumer thread (a route cannot stop itself from within an exchange). */
public final class RouteStopper {

    private static final Logger LOG = LoggerFactory.getLogger(RouteStopper.class);

    private RouteStopper() {
    }

    public static void stopLater(CamelContext context, String routeId) {
        Thread stopper = new Thread(() -> {
            try {
                context.getRouteController().stopRoute(routeId);
            } catch (Exception e) {
                LOG.error("Could not stop route {}", routeId, e);
            }
        }, "stop-" + routeId);
        stopper.setDaemon(true);
        stopper.start();
    }
}
