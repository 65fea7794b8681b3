package io.kafkaflows.kafka.aggregation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import io.kafkaflows.kafka.tx.KafkaTransactions;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the changes of a {@link KafkaAggregationRepository} to its changelog and into its {@link ChangelogStore}.
 * Direct mode: each change is sent by an idempotent producer (acks=all) and waited for. Transactional mode: the
 * store keeps the live exchange and the change waits, by consumer thread, until that thread's Kafka transaction
 * commits ({@link #flushPending}, registered with {@link KafkaTransactions#beforeCommit}): a window updated 100
 * times in a poll is written once.
 */
final class ChangelogWriter {

    private final String topic;
    private final ChangelogStore store;
    private final ExchangeCodec codec;
    private final KafkaTransactions transactions;
    private final Producer<byte[], byte[]> producer;
    private final Map<Thread, Map<Pending, Exchange>> pending = new ConcurrentHashMap<>();

    /** A change not yet in the changelog (transactional mode): the exchange, or null for a tombstone. */
    private record Pending(int partition, String storedKey) {
    }

    private ChangelogWriter(String topic, ChangelogStore store, ExchangeCodec codec, KafkaTransactions transactions,
            Producer<byte[], byte[]> producer) {
        this.topic = topic;
        this.store = store;
        this.codec = codec;
        this.transactions = transactions;
        this.producer = producer;
    }

    static ChangelogWriter direct(String topic, ChangelogStore store, ExchangeCodec codec, Producer<byte[], byte[]> producer) {
        return new ChangelogWriter(topic, store, codec, null, producer);
    }

    static ChangelogWriter transactional(String topic, ChangelogStore store, ExchangeCodec codec, KafkaTransactions transactions) {
        ChangelogWriter writer = new ChangelogWriter(topic, store, codec, transactions, null);
        transactions.beforeCommit(writer::flushPending);
        return writer;
    }

    /** Stores the exchange under the key, or removes the key ({@code exchange} null: a tombstone). */
    void write(int partition, String storedKey, Exchange exchange) {
        if (transactions != null) {
            pending.computeIfAbsent(Thread.currentThread(), t -> new LinkedHashMap<>())
                    .put(new Pending(partition, storedKey), exchange);
            if (exchange == null) {
                store.remove(partition, storedKey);
            } else {
                store.putLive(partition, storedKey, exchange);
            }
            return;
        }
        byte[] value = exchange == null ? null : codec.encode(exchange);
        try {
            producer.send(new ProducerRecord<>(topic, partition, storedKey.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("changelog write to " + topic + " failed: " + e.getCause(), e.getCause());
        }
        if (value == null) {
            store.remove(partition, storedKey);
        } else {
            store.put(partition, storedKey, value);
        }
    }

    /** Whatever this thread had pending belonged to an aborted transaction: the changelog is the truth. */
    void dropPending() {
        pending.remove(Thread.currentThread());
    }

    /** Before this thread's transaction commits: its pending changes go into it. */
    private void flushPending() {
        Map<Pending, Exchange> changes = pending.remove(Thread.currentThread());
        if (changes == null) {
            return;
        }
        for (Map.Entry<Pending, Exchange> change : changes.entrySet()) {
            byte[] value = change.getValue() == null ? null : codec.encode(change.getValue());
            transactions.sendInCurrentTransaction(new ProducerRecord<>(topic, change.getKey().partition(),
                    change.getKey().storedKey().getBytes(StandardCharsets.UTF_8), value));
        }
    }

    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
