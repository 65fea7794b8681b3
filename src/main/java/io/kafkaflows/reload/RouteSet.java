package io.kafkaflows.reload;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RouteStartupOrder;

/**
 * Stops and removes the routes (and route templates) loaded from the reloaded files. First all their consumers together, through Camel's
 * shutdown strategy (graceful, camel.main.shutdown-timeout, direct/seda routes deferred until the routes calling
 * them are done), as on a SIGTERM: a stopped Kafka consumer leaves its group after the records in flight finished,
 * and the new route joins again from the committed offsets. Only then the routes themselves, whose stop also stops
 * the services they use (shared beans such as the transactions of other flows see no route of theirs running).
 */
final class RouteSet {

    List<String> stopAndRemove(CamelContext context, Predicate<Resource> fromReloadedFiles) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteTemplateDefinition> templates = model.getRouteTemplateDefinitions().stream()
                .filter(t -> fromReloadedFiles.test(t.getResource())).toList();
        // Routes made from a template (templatedRoute) carry no source resource nor template id; every file is reloaded
        // at once and the app's own Java declares no templates, so they all come from the route files and go with them.
        Predicate<Route> reloaded = r -> fromReloadedFiles.test(r.getSourceResource())
                || r.isCreatedByRouteTemplate() && !r.isCreatedByKamelet();
        List<RouteStartupOrder> orders = new ArrayList<>();
        for (RouteStartupOrder order : context.getCamelContextExtension().getRouteStartupOrder()) {
            if (reloaded.test(order.getRoute())) {
                orders.add(order);
            }
        }
        List<String> ids = new ArrayList<>();
        context.getRoutes().stream().filter(reloaded).forEach(r -> ids.add(r.getRouteId()));
        try {
            context.getShutdownStrategy().shutdown(context, orders);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the consumers of the reloaded routes: " + e.getMessage(), e);
        }
        for (String id : ids) {
            try {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot remove route " + id + ": " + e.getMessage(), e);
            }
        }
        try {
            // Camel's model keeps every template added and instantiates the first of an id: the edited one must replace it
            model.removeRouteTemplateDefinitions(templates);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot remove the route templates of the reloaded files: " + e.getMessage(), e);
        }
        return ids;
    }
}
