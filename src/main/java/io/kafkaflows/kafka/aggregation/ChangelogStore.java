package io.kafkaflows.kafka.aggregation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.apache.camel.Exchange;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The in-memory copy of a compacted changelog topic, by partition: what {@link KafkaAggregationRepository} keeps.
 * Entries are written by the repository (through a producer or a transaction) and applied here; {@link #restore}
 * rebuilds partitions from the topic (read_committed, from the beginning to the end, once no transaction is open
 * there), so state follows the partition when another instance takes it over.
 */
final class ChangelogStore {

    /**
     * A stored value (bytes as in the changelog, or the live exchange not yet written) and its version (for
     * optimistic locking), counted since this instance loaded the entry.
     */
    record Entry(byte[] value, Exchange live, long version) {
    }

    private final Map<Integer, Map<String, Entry>> partitions = new ConcurrentHashMap<>();
    private final String topic;
    private final Properties consumerProperties;
    private final Function<Properties, Consumer<String, byte[]>> consumers;
    private final Duration restoreTimeout;
    private long versions;

    ChangelogStore(String topic, Properties consumerProperties, Function<Properties, Consumer<String, byte[]>> consumers,
                   Duration restoreTimeout) {
        this.consumers = consumers;
        this.topic = topic;
        this.consumerProperties = consumerProperties;
        this.restoreTimeout = restoreTimeout;
    }

    synchronized Entry get(int partition, String key) {
        Map<String, Entry> entries = partitions.get(partition);
        return entries == null ? null : entries.get(key);
    }

    synchronized Entry put(int partition, String key, byte[] value) {
        return put(partition, key, new Entry(value, null, ++versions));
    }

    synchronized Entry putLive(int partition, String key, Exchange live) {
        return put(partition, key, new Entry(null, live, ++versions));
    }

    private Entry put(int partition, String key, Entry entry) {
        partitions.computeIfAbsent(partition, p -> new HashMap<>()).put(key, entry);
        return entry;
    }

    synchronized void remove(int partition, String key) {
        Map<String, Entry> entries = partitions.get(partition);
        if (entries != null) {
            entries.remove(key);
        }
    }

    synchronized List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        for (Map<String, Entry> entries : partitions.values()) {
            for (String key : entries.keySet()) {
                if (key.startsWith(prefix)) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    synchronized void forEach(int partition, BiConsumer<String, Entry> action) {
        partitions.getOrDefault(partition, Map.of()).forEach(action);
    }

    synchronized void drop(Collection<Integer> dropped) {
        dropped.forEach(partitions::remove);
    }

    synchronized void retainOnly(Collection<Integer> kept) {
        partitions.keySet().retainAll(kept);
    }

    /** Replaces these partitions' entries with the changelog's committed content; returns the records read. */
    synchronized long restore(Collection<Integer> restored) {
        drop(restored);
        if (restored.isEmpty()) {
            return 0;
        }
        Properties props = new Properties();
        props.putAll(consumerProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<TopicPartition> tps = restored.stream().map(p -> new TopicPartition(topic, p)).toList();
        long read = 0;
        long deadline = System.nanoTime() + restoreTimeout.toNanos();
        try (Consumer<String, byte[]> consumer = consumers.apply(props)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = new HashMap<>(stableEnd(consumer, props, tps, deadline));
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("changelog " + topic + " partitions " + restored
                            + " not restored within " + restoreTimeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    if (record.value() == null) {
                        remove(record.partition(), record.key());
                    } else {
                        put(record.partition(), record.key(), record.value());
                    }
                }
            }
        }
        restored.forEach(p -> partitions.computeIfAbsent(p, x -> new HashMap<>()));
        return read;
    }

    /**
     * The end offsets once no transaction is open on these partitions: the read_committed end (last stable offset)
     * equal to the log end. Only the partitions' owner writes them, so an open transaction there is the previous
     * owner's last one, still to be committed or aborted; restoring before would miss it while the offsets it
     * commits say its records were processed.
     */
    private Map<TopicPartition, Long> stableEnd(Consumer<String, byte[]> committed, Properties props,
                                                List<TopicPartition> tps, long deadline) {
        Properties uncommitted = new Properties();
        uncommitted.putAll(props);
        uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_UNCOMMITTED.toString());
        try (Consumer<String, byte[]> log = consumers.apply(uncommitted)) {
            while (true) {
                Map<TopicPartition, Long> stable = committed.endOffsets(tps, restoreTimeout);
                if (stable.equals(log.endOffsets(tps, restoreTimeout))) {
                    return stable;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("changelog " + topic + " partitions " + tps + " still have"
                            + " an open transaction after " + restoreTimeout + " (the previous owner's): not restored");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for changelog " + topic, e);
                }
            }
        }
    }

    private static boolean reachedEnd(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }
}
