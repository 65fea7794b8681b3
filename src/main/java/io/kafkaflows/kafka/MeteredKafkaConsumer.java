package io.kafkaflows.kafka;

import java.time.Duration;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A KafkaConsumer with Micrometer's Kafka binder attached for its lifetime: closing the consumer closes the binder,
 * which stops its scheduler thread and removes its meters (camel-kafka recreates consumers after failures).
 */
public class MeteredKafkaConsumer<K, V> extends KafkaConsumer<K, V> {

    private final KafkaClientMetrics metrics;

    public MeteredKafkaConsumer(Properties props, MeterRegistry registry) {
        super(props);
        metrics = new KafkaClientMetrics(this);
        metrics.bindTo(registry);
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            metrics.close();
        }
    }

    @Override
    public void close(Duration timeout) {
        try {
            super.close(timeout);
        } finally {
            metrics.close();
        }
    }

    @Override
    public void close(CloseOptions option) {
        try {
            super.close(option);
        } finally {
            metrics.close();
        }
    }
}
