package io.kafkaflows.reload;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;

/**
 * Stops and removes the routes loaded from the reloaded files, gracefully (the shutdown strategy's timeout, as on a
 * SIGTERM): first the routes fed from outside (Kafka consumers, timers, HTTP), so their in-flight exchanges finish
 * through the direct/seda routes they call, then those. A stopped Kafka consumer commits what it processed and leaves
 * its group; the new route joins again.
 */
final class RouteSet {

    private static final Set<String> INTERNAL = Set.of("direct", "seda", "vm", "direct-vm");

    List<String> stopAndRemove(CamelContext context, Predicate<Resource> fromReloadedFiles) {
        List<String> inputs = new ArrayList<>();
        List<String> internal = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            if (fromReloadedFiles.test(route.getSourceResource())) {
                String scheme = route.getEndpoint().getEndpointBaseUri().split(":", 2)[0];
                (INTERNAL.contains(scheme) ? internal : inputs).add(route.getRouteId());
            }
        }
        List<String> all = new ArrayList<>(inputs);
        all.addAll(internal);
        for (String id : all) {
            try {
                context.getRouteController().stopRoute(id);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot stop route " + id + ": " + e.getMessage(), e);
            }
        }
        for (String id : all) {
            try {
                context.removeRoute(id);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot remove route " + id + ": " + e.getMessage(), e);
            }
        }
        return all;
    }
}
