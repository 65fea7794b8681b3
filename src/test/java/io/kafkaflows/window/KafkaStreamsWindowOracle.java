package io.kafkaflows.window;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

import static org.awaitility.Awaitility.await;

/**
 * Test oracle: the same windowed count/sum/min/max/avg computed by Kafka Streams. Reads {@code inputTopic} (String
 * key, JSON value with a numeric "value"; records without one are ignored), aggregates per key and window, emits only
 * final results ({@code suppress(untilWindowCloses)}) as {@link WindowResultRow} JSON to {@code outputTopic}, waits
 * (through the test base's admin client) until every input record is committed, and stops; the test then reads
 * the output topic.
 * Each run uses a fresh application.id and state directory; caching is off and exactly_once_v2 is on.
 */
public final class KafkaStreamsWindowOracle {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The accumulator; the empty one (count 0) is neutral for {@link #merge}. */
    record Acc(long count, double sum, double min, double max) {
        static final Acc EMPTY = new Acc(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

        Acc add(double v) {
            return new Acc(count + 1, sum + v, Math.min(min, v), Math.max(max, v));
        }

        Acc merge(Acc o) {
            return new Acc(count + o.count, sum + o.sum, Math.min(min, o.min), Math.max(max, o.max));
        }
    }

    static final Serde<Acc> ACC_SERDE = Serdes.serdeFrom(
            (topic, acc) -> acc == null ? null
                    : ByteBuffer.allocate(32).putLong(acc.count).putDouble(acc.sum).putDouble(acc.min).putDouble(acc.max).array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes);
                return new Acc(b.getLong(), b.getDouble(), b.getDouble(), b.getDouble());
            });

    private KafkaStreamsWindowOracle() {
    }

    public static void run(String bootstrapServers, Admin admin, String inputTopic, String outputTopic,
                           OracleWindows windows, Duration timeout) {
        String applicationId = "window-oracle-" + UUID.randomUUID();
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("window-oracle-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        KafkaStreams streams = new KafkaStreams(topology(inputTopic, outputTopic, windows).build(),
                config(bootstrapServers, applicationId, stateDir));
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            streams.start();
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (failure.get() != null) {
                    throw new IllegalStateException("Kafka Streams oracle failed", failure.get());
                }
                return caughtUp(admin, applicationId, inputTopic);
            });
        } finally {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            deleteQuietly(stateDir);
        }
    }

    public static StreamsBuilder topology(String inputTopic, String outputTopic, OracleWindows windows) {
        StreamsBuilder builder = new StreamsBuilder();
        KGroupedStream<String, Double> grouped = builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(KafkaStreamsWindowOracle::numericValue)
                .filter((key, value) -> value != null)
                .groupByKey(Grouped.with(Serdes.String(), Serdes.Double()));
        KTable<Windowed<String>, Acc> table;
        if (windows.isSession()) {
            table = grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(windows.gap(), windows.grace()))
                    .aggregate(() -> Acc.EMPTY, (key, value, acc) -> acc.add(value), (key, a, b) -> a.merge(b),
                            Materialized.with(Serdes.String(), ACC_SERDE));
        } else {
            TimeWindows timeWindows = TimeWindows.ofSizeAndGrace(windows.size(), windows.grace());
            if (windows.type().equals("hopping")) {
                timeWindows = timeWindows.advanceBy(windows.advance());
            }
            table = grouped.windowedBy(timeWindows)
                    .aggregate(() -> Acc.EMPTY, (key, value, acc) -> acc.add(value),
                            Materialized.<String, Acc, WindowStore<Bytes, byte[]>>with(Serdes.String(), ACC_SERDE)
                                    .withRetention(retention(windows)));
        }
        table.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .filter((window, acc) -> acc != null)
                .map((window, acc) -> KeyValue.pair(window.key(), new WindowResultRow(window.key(),
                        window.window().start(), window.window().end(), acc.count(), acc.sum(), acc.min(), acc.max(),
                        acc.sum() / acc.count()).toJson()))
                .to(outputTopic, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder;
    }

    /**
     * A time-window store's retention: at least two hours. Its default (size + grace) gives 60 s segments, so input
     * spread over days of event time opens and drops a RocksDB segment every few records (about 280 records/s on
     * 100,000 records over 2 days). For time windows this changes no result (a late record is dropped by grace, not
     * by retention); a session store keeps its default, because a retained closed session would absorb a record
     * within its gap that must start a new session.
     */
    static Duration retention(OracleWindows windows) {
        Duration needed = windows.size().plus(windows.grace());
        Duration floor = Duration.ofHours(2);
        return needed.compareTo(floor) > 0 ? needed : floor;
    }

    private static Properties config(String bootstrapServers, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.putAll(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, applicationId,
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
                StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L, // no cache: every update reaches suppress
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        return props;
    }

    private static Double numericValue(String json) {
        try {
            JsonNode value = json == null ? null : JSON.readTree(json).get("value");
            return value != null && value.isNumber() ? value.asDouble() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** True when the group's stable committed offsets reached the input's end offsets on every partition. */
    private static boolean caughtUp(Admin admin, String groupId, String topic) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId,
                    new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            var ends = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return (c == null ? 0 : c.offset()) >= e.getValue().offset();
            });
        } catch (ExecutionException | TimeoutException e) {
            return false; // e.g. a transaction's offsets are not stable yet: ask again
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) { // best effort: it is a temp dir
        }
    }
}
