package io.kafkaflows.deadletter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;

/**
 * Runs before each redelivery (onRedelivery of the shared error handler): counts attempts on the exchange, for the
 * dead-letter record's {@code dlq.attempts}, and in the {@code kafkaflows.redeliveries} metric per flow.
 */
public final class RedeliveryCountProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(DeadLetterProcessor.REDELIVERIES, exchange.getProperty(DeadLetterProcessor.REDELIVERIES, 0, Integer.class) + 1);
        Route route = exchange.getFromRouteId() == null ? null : exchange.getContext().getRoute(exchange.getFromRouteId());
        String flow = route != null && route.getGroup() != null ? route.getGroup() : String.valueOf(exchange.getFromRouteId());
        MeterRegistry registry = exchange.getContext().getRegistry().findSingleByType(MeterRegistry.class);
        (registry != null ? registry : Metrics.globalRegistry).counter("kafkaflows.redeliveries", "flow", flow).increment();
    }
}
