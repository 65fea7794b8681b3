package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.kafkaflows.window.KafkaStreamsWindowOracle;
import io.kafkaflows.window.OracleWindows;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The stream bench pairs: the stream-transform flow against a raw at-least-once consume-transform-produce loop, and
 * the windowed-aggregation flow (tumbling 1 s windows, 10,000 keys) against a Kafka Streams topology with the same
 * windows (exactly_once_v2, Kafka Streams' default caching). The raw transform loop is in {@link RawLoops}.
 */
final class StreamBench {

    static final OracleWindows WINDOWS = OracleWindows.tumbling(Duration.ofSeconds(1), Duration.ofMillis(200));
    private final String bootstrap;
    private final FlowBench flows;

    StreamBench(String bootstrap, FlowBench flows) {
        this.bootstrap = bootstrap;
        this.flows = flows;
    }

    RunResult transformFlow(String input, String output, long records, boolean latency) throws Exception {
        Properties props = BenchMain.appProperties(bootstrap);
        props.setProperty("flows.transform.input-topic", input);
        props.setProperty("flows.transform.output-topic", output);
        props.setProperty("flows.transform.max-poll-records", "500");
        return flows.runApp(props, props.getProperty("flows.transform.group-id"), input, records,
                latency ? () -> LatencyProbe.throughTopic(bootstrap, input, output) : null);
    }

    /** Input for the window pair: {"value": n}, 10,000 keys, event time advancing 1 s per 20,000 records. */
    void fillWindowInput(String topic, long records) throws Exception {
        long base = (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) / 1000 * 1000;
        flows.fill(topic, records, i -> new ProducerRecord<>(topic, null, base + i * 1000 / 20_000,
                ("key-" + (i * 7919 % 10_000)).getBytes(StandardCharsets.UTF_8),
                ("{\"value\":" + (i % 100) + "}").getBytes(StandardCharsets.UTF_8)));
    }

    RunResult windowFlow(String input, String output, long records) throws Exception {
        Properties props = BenchMain.appProperties(bootstrap);
        props.setProperty("flows.window.input-topic", input);
        props.setProperty("flows.window.output-topic", output);
        props.setProperty("flows.window.late-topic", output + "-late");
        props.setProperty("flows.window.group-id", "bench-window-" + System.nanoTime());
        props.setProperty("flows.window.type", WINDOWS.type());
        props.setProperty("flows.window.size", WINDOWS.size().toString());
        props.setProperty("flows.window.grace", WINDOWS.grace().toString());
        props.setProperty("flows.window.max-poll-records", "500");
        return flows.runApp(props, props.getProperty("flows.window.group-id"), input, records, null);
    }

    /** The same windows in Kafka Streams (suppress until the window closes), exactly_once_v2, default caching. */
    RunResult kafkaStreamsWindows(String input, String output, long records) throws Exception {
        String applicationId = "bench-streams-" + System.nanoTime();
        Path stateDir = Files.createTempDirectory("bench-streams");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(KafkaStreamsWindowOracle.topology(input, output, WINDOWS).build(), props);
        streams.start();
        try {
            long firstSeen = -1;
            long firstAt = 0;
            ResourceMeter meter = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                long committed = flows.committed(applicationId, input);
                long now = System.nanoTime();
                if (firstSeen < 0 && committed > 0) {
                    firstSeen = committed;
                    firstAt = now;
                    meter = ResourceMeter.start();
                }
                if (committed >= records) {
                    return RunResult.of((records - firstSeen) / ((now - firstAt) / 1e9), meter.stop(records - firstSeen))
                            .withoutRss();
                }
                LockSupport.parkNanos(20_000_000L);
            }
            throw new IllegalStateException("Kafka Streams did not finish " + input);
        } finally {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            Utils.delete(stateDir.toFile());
        }
    }
}
