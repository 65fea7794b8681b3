package io.kafkaflows.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.window.KafkaStreamsWindowOracle;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.ValueMapper;

/**
 * What a user would write instead of the stream flows: Kafka Streams 4.3.1 topologies in the bench JVM, one stream
 * thread, Kafka Streams' own client defaults (1,000 records per poll, producer linger 100 ms, no compression, acks=all)
 * except {@code commit.interval.ms=100} and the guarantee. {@link #upperCaseText} and {@link #processedAt} are the
 * stream-transform and exactly-once flows' default transforms, with Jackson. Each run uses a fresh application.id
 * and state directory and is measured like the app flows: from the first to the last committed input offset seen by
 * a 20 ms admin poll; then, when asked, the paced latency phase through the output topic ({@link LatencyProbe}).
 */
final class KafkaStreamsBaselines {

    static final int COMMIT_INTERVAL_MS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String bootstrap;
    private final FlowBench flows;

    KafkaStreamsBaselines(String bootstrap, FlowBench flows) {
        this.bootstrap = bootstrap;
        this.flows = flows;
    }

    /** The stream-transform flow's transform (UppercaseTextProcessor): "text" upper-cased, every other field kept. */
    static byte[] upperCaseText(byte[] value) {
        return transform(value, event -> event.put("text", event.path("text").asText().toUpperCase(Locale.ROOT)));
    }

    /** The exactly-once flow's transform (ProcessedAtProcessor): every field kept, "processedAt" added. */
    static byte[] processedAt(byte[] value) {
        return transform(value, event -> event.put("processedAt", Instant.now().toString()));
    }

    private static byte[] transform(byte[] value, java.util.function.Consumer<ObjectNode> change) {
        if (value == null) {
            return null;
        }
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(value);
            change.accept(event);
            return JSON.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code input.mapValues(mapper).to(output)} with the given processing guarantee. */
    RunResult mapValues(String input, String output, long records, String guarantee, ValueMapper<byte[], byte[]> mapper,
                        boolean latency) throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).mapValues(mapper)
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return run(builder.build(), guarantee, input, records,
                latency ? () -> LatencyProbe.throughTopic(bootstrap, input, output) : null);
    }

    /** The window pair's topology (the tests' oracle: suppress until the window closes), exactly_once_v2, default cache. */
    RunResult windows(String input, String output, long records) throws Exception {
        return run(KafkaStreamsWindowOracle.topology(input, output, StreamBench.WINDOWS).build(), StreamsConfig.EXACTLY_ONCE_V2,
                input, records, null);
    }

    private RunResult run(Topology topology, String guarantee, String input, long records, FlowBench.LatencyPhase latency)
            throws Exception {
        String applicationId = "bench-streams-" + System.nanoTime();
        Path stateDir = Files.createTempDirectory("bench-streams");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try {
            return flows.untilCommitted(applicationId, input, records, latency, () -> {
                if (failure.get() != null) {
                    throw new IllegalStateException("Kafka Streams failed on " + input, failure.get());
                }
                return true;
            }).withoutRss();
        } finally {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            Utils.delete(stateDir.toFile());
        }
    }
}
