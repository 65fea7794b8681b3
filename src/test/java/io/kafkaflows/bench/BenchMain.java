package io.kafkaflows.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The bench command ({@code bench/run}): starts a local broker through the project's launcher and measures, pair by
 * pair on the same broker and topic layout (6 partitions), each flow against its baseline: the producer route
 * against Kafka's ProducerPerformance, the consumer flow against ConsumerPerformance, the exactly-once flow against
 * a raw kafka-clients EOS loop with the same transaction size, the stream transform against a raw consume-produce
 * loop, the windowed aggregation against Kafka Streams with the same windows. Median of 3 runs after a warm-up.
 * Prints a table and writes target/bench/results.json. Not part of the test command.
 */
public final class BenchMain {

    static final int PARTITIONS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        // optional second argument: the flows to measure, comma separated (default: all)
        java.util.Set<String> only = args.length > 1 ? java.util.Set.of(args[1].split(",")) : null;
        Path dir = Files.createDirectories(Path.of("target", "bench"));
        try (KafkaBrokerLauncher broker = new KafkaBrokerLauncher(KafkaBrokerLauncher.defaultLibDir(),
                dir.resolve("broker-" + UUID.randomUUID()), 0, "1g", Map.of()).start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            selected = only;
            List<Map<String, Object>> results = new ArrayList<>();
            FlowBench flows = new FlowBench(bootstrap, admin);
            for (int size : new int[] {100, 1024}) {
                long n = (long) ((size == 100 ? 500_000 : 150_000) * scale);
                results.add(pair("producer", "ProducerPerformance", size, n,
                        rate(() -> KafkaToolRunner.producerPerformance(bootstrap, topic(admin), n, size)),
                        rate(() -> flows.producerRoute(topic(admin), n, size))));
            }
            long consumed = (long) (500_000 * scale);
            String filled = topic(admin);
            if (wanted("consumer")) {
                flows.fillJson(filled, consumed);
            }
            results.add(pair("consumer", "ConsumerPerformance", 100, consumed,
                    rate(() -> KafkaToolRunner.consumerPerformance(bootstrap, filled, consumed)),
                    rate(() -> flows.consumerFlow(filled, consumed))));
            long eos = (long) (100_000 * scale);
            String eosInput = topic(admin);
            if (wanted("exactly-once")) {
                flows.fillJson(eosInput, eos);
            }
            results.add(pair("exactly-once", "raw kafka-clients EOS loop (100 records per transaction)", 100, eos,
                    rate(() -> flows.rawEosLoop(eosInput, topic(admin), eos)),
                    rate(() -> flows.exactlyOnceFlow(eosInput, topic(admin), eos))));
            StreamBench streams = new StreamBench(bootstrap, flows);
            long transformed = (long) (200_000 * scale);
            String transformInput = topic(admin);
            if (wanted("stream-transform")) {
                flows.fillJson(transformInput, transformed);
            }
            results.add(pair("stream-transform", "raw kafka-clients consume-transform-produce loop (commit per poll)", 100,
                    transformed, rate(() -> streams.rawTransformLoop(transformInput, topic(admin), transformed)),
                    rate(() -> streams.transformFlow(transformInput, topic(admin), transformed))));
            long windowed = (long) (200_000 * scale);
            String windowInput = topic(admin);
            if (wanted("windowed-aggregation")) {
                streams.fillWindowInput(windowInput, windowed);
            }
            results.add(pair("windowed-aggregation", "Kafka Streams 4.3.1 (tumbling 1 s, 10k keys, exactly_once_v2)", 20,
                    windowed, rate(() -> streams.kafkaStreamsWindows(windowInput, topic(admin), windowed)),
                    rate(() -> streams.windowFlow(windowInput, topic(admin), windowed))));
            results.removeIf(java.util.Objects::isNull);
            print(results);
            Files.writeString(dir.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
            System.out.println("written: " + dir.resolve("results.json").toAbsolutePath());
        }
    }

    interface Measurement {
        double run() throws Exception;
    }

    private static Supplier<Double> rate(Measurement m) {
        return () -> {
            try {
                return m.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Warm-up of each, then 3 runs of each side by side; medians. */
    private static java.util.Set<String> selected;

    private static boolean wanted(String flow) {
        return selected == null || selected.contains(flow);
    }

    private static Map<String, Object> pair(String flow, String baseline, int size, long records,
                                            Supplier<Double> baselineRun, Supplier<Double> flowRun) {
        if (!wanted(flow)) {
            return null;
        }
        System.out.printf("%s (%d B, %d records): warm-up...%n", flow, size, records);
        baselineRun.get();
        flowRun.get();
        double[] b = new double[3];
        double[] f = new double[3];
        for (int i = 0; i < 3; i++) {
            b[i] = baselineRun.get();
            f[i] = flowRun.get();
            System.out.printf("  run %d: baseline %.0f rec/s, flow %.0f rec/s%n", i + 1, b[i], f[i]);
        }
        double baselineRate = median(b);
        double flowRate = median(f);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("flow", flow);
        row.put("baseline", baseline);
        row.put("recordSize", size);
        row.put("records", records);
        row.put("recordsPerSec", Math.round(flowRate));
        row.put("baselineRecordsPerSec", Math.round(baselineRate));
        row.put("ratio", Math.round(flowRate / baselineRate * 100) / 100.0);
        row.put("mbPerSec", Math.round(flowRate * size / 1_000_000.0 * 10) / 10.0);
        row.put("runs", Map.of("flow", f, "baseline", b));
        return row;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String topic(Admin admin) throws Exception {
        String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        // let the partitions get their leader before the first write
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name).partitions()
                        .stream().allMatch(p -> p.leader() != null)) {
                    break;
                }
            } catch (Exception notYet) {
                // describe can fail right after creation
            }
        }
        return name;
    }

    private static void print(List<Map<String, Object>> results) {
        System.out.println();
        System.out.println("| flow | record size | flow rec/s | baseline | baseline rec/s | ratio |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map<String, Object> r : results) {
            System.out.printf("| %s | %s B | %s | %s | %s | %.2f |%n", r.get("flow"), r.get("recordSize"),
                    r.get("recordsPerSec"), r.get("baseline"), r.get("baselineRecordsPerSec"), (Double) r.get("ratio"));
        }
    }

    static Properties appProperties(String bootstrap) {
        Properties props = new Properties();
        props.setProperty("camel.component.kafka.brokers", bootstrap);
        props.setProperty("camel.server.port", String.valueOf(io.kafkaflows.testsupport.FreePorts.next()));
        props.setProperty("camel.management.port", String.valueOf(io.kafkaflows.testsupport.FreePorts.next()));
        props.setProperty("flows.demo.enabled", "false");
        String id = UUID.randomUUID().toString().substring(0, 8);
        for (String flow : List.of("consumer", "transform", "eos", "window")) {
            props.setProperty("flows." + flow + ".group-id", "bench-" + flow + "-" + id);
        }
        props.setProperty("flows.consumer.topic", "bench-idle-" + id);
        props.setProperty("flows.transform.input-topic", "bench-idle-" + id);
        props.setProperty("flows.transform.output-topic", "bench-idle-out-" + id);
        props.setProperty("flows.eos.input-topic", "bench-idle-" + id);
        props.setProperty("flows.eos.output-topic", "bench-idle-out-" + id);
        props.setProperty("flows.eos.transactional-id", "bench-eos-" + id);
        props.setProperty("flows.window.input-topic", "bench-idle-" + id);
        props.setProperty("flows.window.output-topic", "bench-idle-out-" + id);
        props.setProperty("flows.window.late-topic", "bench-idle-late-" + id);
        props.setProperty("flows.producer.transactional-id", "bench-producer-" + id);
        props.setProperty("flows.monitor.lag-interval", "600000");
        // BENCH_JAVA_OPTS=-Dbench.profile=throughput|latency runs the app-based flows under a tuning profile
        String profile = System.getProperty("bench.profile");
        if (profile != null && !profile.isBlank()) {
            props.setProperty("camel.main.profile", profile);
        }
        // 500 records per poll: keep the retry budget check (records x redelivery delays) satisfied
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "20");
        return props;
    }
}
