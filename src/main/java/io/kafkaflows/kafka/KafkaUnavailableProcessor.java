package io.kafkaflows.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a failure of Kafka itself (a retriable Kafka error that outlasted the client's retries, a failed offset commit,
 * {@link KafkaUnavailableException}): says which record waits and why, then waits {@code backoffMs} on the consumer
 * thread before the exchange fails, so camel-kafka reads the record again without a tight loop. The record is
 * neither redelivered in place nor dead-lettered, and nothing after it is committed.
 */
public final class KafkaUnavailableProcessor implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaUnavailableProcessor.class);
    private long backoffMs = 1000;

    public void setBackoffMs(long backoffMs) {
        this.backoffMs = backoffMs;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("Kafka unavailable for route {} ({}): record {}-{}@{} is read again in {} ms, not dead-lettered",
                exchange.getFromRouteId(), cause, exchange.getMessage().getHeader(KafkaConstants.TOPIC),
                exchange.getMessage().getHeader(KafkaConstants.PARTITION),
                exchange.getMessage().getHeader(KafkaConstants.OFFSET), backoffMs);
        Thread.sleep(backoffMs);
    }
}
