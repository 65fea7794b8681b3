package io.kafkaflows.kafka.tx;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * The transaction state of one transactional route's consumer ({@link KafkaTransactions}): its producer, whether a
 * transaction is open and since when, and the input offsets it will commit. Used only on that consumer's thread.
 */
final class ConsumerTransaction {
    final String routeId;
    final Consumer<?, ?> consumer;
    final String transactionalId;
    final Producer<byte[], byte[]> producer;
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    boolean open;
    int records;
    private long startedNanos;

    ConsumerTransaction(String routeId, Consumer<?, ?> consumer, String transactionalId, Producer<byte[], byte[]> producer) {
        this.routeId = routeId;
        this.consumer = consumer;
        this.transactionalId = transactionalId;
        this.producer = producer;
    }

    void beginIfNeeded() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            startedNanos = System.nanoTime();
        }
    }

    long ageMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    void reset() {
        open = false;
        records = 0;
        offsets.clear();
    }
}
