package io.kafkaflows;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckHelper;

/**
 * Registers the health checks of beans that a route reload creates again: the new instance's check replaces the old
 * one with the same id (Camel's registry would keep the first). A stopped bean keeps its check: Camel stops a shared
 * bean whenever one route using it stops, and its check must go on reporting (a stopped route's reason).
 */
public final class HealthChecks {

    private HealthChecks() {
    }

    public static void replace(CamelContext context, HealthCheck check) {
        HealthCheckRegistry registry = HealthCheckHelper.getHealthCheckRegistry(context);
        if (registry == null) {
            return;
        }
        registry.getCheck(check.getId()).ifPresent(registry::unregister);
        registry.register(check);
    }

    /** Removes the check if it is still the registered one (a service of the app's own that stops for good). */
    public static void remove(CamelContext context, HealthCheck check) {
        HealthCheckRegistry registry = context == null ? null : HealthCheckHelper.getHealthCheckRegistry(context);
        if (registry != null && registry.getCheck(check.getId()).orElse(null) == check) {
            registry.unregister(check);
        }
    }
}
