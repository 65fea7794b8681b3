package io.kafkaflows.deadletter;

import io.kafkaflows.Meters;
import io.kafkaflows.kafka.KafkaRecords;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs before each redelivery (onRedelivery of the shared error handler): counts attempts on the exchange, for the
 * dead-letter record's {@code dlq.attempts}, and in the {@code kafkaflows.redeliveries} metric per flow.
 */
public final class RedeliveryCountProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(DeadLetterProcessor.REDELIVERIES, exchange.getProperty(DeadLetterProcessor.REDELIVERIES, 0, Integer.class) + 1);
        String flow = KafkaRecords.flowOf(exchange);
        Meters.registry(exchange.getContext()).counter("kafkaflows.redeliveries", "flow", flow).increment();
    }
}
