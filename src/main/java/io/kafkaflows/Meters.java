package io.kafkaflows;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.camel.CamelContext;

/** The Micrometer registry that /observe/metrics exports (camel-micrometer's), or the global one without it. */
public final class Meters {

    private Meters() {
    }

    public static MeterRegistry registry(CamelContext context) {
        MeterRegistry registry = context == null ? null : context.getRegistry().findSingleByType(MeterRegistry.class);
        return registry != null ? registry : Metrics.globalRegistry;
    }
}
