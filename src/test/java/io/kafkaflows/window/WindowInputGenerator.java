package io.kafkaflows.window;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Deterministic input for the windowed-aggregation differential test (same seed, same records). Keys are
 * "k0".."k{keys-1}", each always written to partition {@code floorMod(key.hashCode(), partitions)}, set explicitly;
 * values are {@code {"value": n}} with an integer n in 1..100, so double sums are exact. Timestamps advance from
 * {@code baseTime} by random steps of up to a quarter of the window span (size, or gap for sessions), with an
 * occasional pause of a whole span; about 25% are out of order by less than the grace (never dropped); about 5% are
 * very late: more than size + grace + gap behind the latest timestamp already written to their partition (Kafka
 * Streams' stream time is per partition), so a time window drops them. A session may still take a very late record
 * when the key has a long session reaching back to it. Last, one record per partition, key "flush-p{partition}",
 * far in the future of all others, so that every earlier window closes.
 */
public final class WindowInputGenerator {

    private WindowInputGenerator() {
    }

    public static List<ProducerRecord<byte[], byte[]>> generate(String topic, int partitions, long seed, int keys,
                                                                int records, long baseTime, OracleWindows windows) {
        Random random = new Random(seed);
        long size = windows.size().toMillis();
        long grace = windows.grace().toMillis();
        long gap = windows.gap().toMillis();
        long span = windows.isSession() ? gap : size;
        long lateness = size + grace + gap;
        long[] partitionTime = new long[partitions];
        Arrays.fill(partitionTime, Long.MIN_VALUE);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records + partitions);
        long clock = baseTime;
        for (int i = 0; i < records; i++) {
            String key = "k" + random.nextInt(keys);
            int partition = Math.floorMod(key.hashCode(), partitions);
            clock += below(random, span / 4 + 1) + (random.nextInt(100) < 5 ? span : 0);
            long timestamp = clock;
            int roll = random.nextInt(100);
            if (roll < 25) {
                // out of order by up to grace + one window/gap: some within grace, some partly or wholly late
                timestamp = clock - below(random, grace + span + 1);
            } else if (roll < 30 && partitionTime[partition] != Long.MIN_VALUE) {
                timestamp = partitionTime[partition] - lateness - 1 - below(random, span + 1);
            }
            // whole seconds: records often land exactly on window bounds and close times
            timestamp = Math.floorDiv(timestamp, 1000) * 1000;
            partitionTime[partition] = Math.max(partitionTime[partition], timestamp);
            out.add(record(topic, partition, timestamp, key, 1 + random.nextInt(100)));
        }
        long flushTime = clock + 10 * (size + gap + grace);
        for (int p = 0; p < partitions; p++) {
            out.add(record(topic, p, flushTime, "flush-p" + p, 1));
        }
        return out;
    }

    /**
     * The same input with the latest timestamp (the closing flush records) a minute before {@code now}, the base
     * aligned to a minute: brokers refuse timestamps more than an hour ahead ({@code log.message.timestamp.after.max.ms}),
     * which a fixed base reaches at about 50,000 records of 10 s windows.
     */
    public static List<ProducerRecord<byte[], byte[]>> generateEndingBefore(long now, String topic, int partitions, long seed,
                                                                            int keys, int records, OracleWindows windows) {
        long dryBase = 1_000_000_020_000L; // any minute far from 0: out-of-order records fall before the base
        long span = generate(topic, partitions, seed, keys, records, dryBase, windows).stream()
                .mapToLong(ProducerRecord::timestamp).max().orElse(dryBase) - dryBase;
        long base = Math.floorDiv(now - 60_000 - span, 60_000) * 60_000;
        return generate(topic, partitions, seed, keys, records, base, windows);
    }

    /** A record as the generator writes it: explicit partition and timestamp, UTF-8 key, {"value": n}. */
    public static ProducerRecord<byte[], byte[]> record(String topic, int partition, long timestamp, String key, int value) {
        return new ProducerRecord<>(topic, partition, timestamp, key.getBytes(StandardCharsets.UTF_8),
                ("{\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Uniform in [0, bound) for bound > 0. */
    private static long below(Random random, long bound) {
        return Math.floorMod(random.nextLong(), bound);
    }
}
