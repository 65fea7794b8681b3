package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import io.kafkaflows.window.OracleWindows;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The flow side of the stream pairs, at the flows' defaults: the stream transform, and the windowed aggregation
 * (tumbling 1 s windows with 200 ms grace, 10,000 keys). Their Kafka Streams baselines: {@link KafkaStreamsBaselines}.
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
        Properties props = BenchProperties.app(bootstrap);
        props.setProperty("flows.transform.input-topic", input);
        props.setProperty("flows.transform.output-topic", output);
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
        Properties props = BenchProperties.app(bootstrap);
        props.setProperty("flows.window.input-topic", input);
        props.setProperty("flows.window.output-topic", output);
        props.setProperty("flows.window.late-topic", output + "-late");
        props.setProperty("flows.window.group-id", "bench-window-" + System.nanoTime());
        props.setProperty("flows.window.type", WINDOWS.type());
        props.setProperty("flows.window.size", WINDOWS.size().toString());
        props.setProperty("flows.window.grace", WINDOWS.grace().toString());
        return flows.runApp(props, props.getProperty("flows.window.group-id"), input, records, null);
    }
}
