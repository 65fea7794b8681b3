package io.kafkaflows;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckHelper;

/**
 * Registers the health checks of beans that a route reload may create again: the new instance's check replaces the
 * old one with the same id (Camel's registry would keep the first), and a stopped bean removes only its own check.
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

    public static void remove(CamelContext context, HealthCheck check) {
        HealthCheckRegistry registry = context == null ? null : HealthCheckHelper.getHealthCheckRegistry(context);
        if (registry != null && registry.getCheck(check.getId()).orElse(null) == check) {
            registry.unregister(check);
        }
    }
}
