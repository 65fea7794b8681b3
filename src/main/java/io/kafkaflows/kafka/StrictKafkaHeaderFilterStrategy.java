package io.kafkaflows.kafka;

import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;

/**
 * camel-kafka's header filter, made case-insensitive. Camel looks headers up case-insensitively, so a record
 * header named {@code CAMELKAFKAOVERRIDETOPIC} would otherwise pass the inbound filter and then redirect where a
 * flow writes. With this strategy no header whose name starts with camel or kafka. (in any case) crosses
 * between Kafka and the exchange. Configured once: {@code camel.component.kafka.header-filter-strategy}.
 */
public class StrictKafkaHeaderFilterStrategy extends KafkaHeaderFilterStrategy {

    public StrictKafkaHeaderFilterStrategy() {
        setCaseInsensitive(true);
    }
}
