package io.kafkaflows.kafka;

/**
 * Kafka could not serve a flow for a while (no transaction coordinator, brokers or leaders unreachable): nothing is
 * wrong with the record at hand, so it is never retried in place nor dead-lettered; the flow backs off and reads it
 * again (route configuration {@code consumer-errors}).
 */
public class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
