package io.kafkaflows.kafka;

import java.time.Duration;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A KafkaProducer with Micrometer's Kafka binder attached for its lifetime: closing the producer closes the binder,
 * which stops its scheduler thread and removes its meters.
 */
public class MeteredKafkaProducer<K, V> extends KafkaProducer<K, V> {

    private final KafkaClientMetrics metrics;

    public MeteredKafkaProducer(Properties props, MeterRegistry registry) {
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
}
