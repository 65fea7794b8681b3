package io.kafkaflows.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The bench command ({@code bench/run}): starts a local broker through the project's launcher and measures, pair by
 * pair on the same broker and topic layout (6 partitions), each flow against its baseline: the producer route
 * against Kafka's ProducerPerformance, the HTTP ingress (singles and batches) against the producer route, the
 * consumer flow against ConsumerPerformance, the exactly-once flow against
 * a raw kafka-clients EOS loop with the same transaction size, the stream transform against a raw consume-produce
 * loop, the windowed aggregation against Kafka Streams with the same windows. Median of 3 runs after a warm-up; per
 * run also CPU per million records, peak RSS and GC share ({@link ResourceMeter}) and, where it applies, p50/p99
 * latency ({@link LatencyProbe}). Prints a table and writes target/bench/results.json ({@link ResultTable}). Not part
 * of the test command; method and columns: docs/performance.md.
 */
public final class BenchMain {

    static final int PARTITIONS = 6;
    private static final int BATCH = HttpIngressBench.BATCH;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        // optional second argument: the flows to measure, comma separated (default: all)
        selected = args.length > 1 ? Set.of(args[1].split(",")) : null;
        LatencyProbe.seconds = Math.max(2, Math.min(10, 10 * scale));
        System.out.printf("bench JVM: max heap %d MB, GC %s, %d CPUs%n", Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList(),
                Runtime.getRuntime().availableProcessors());
        Path dir = Files.createDirectories(Path.of("target", "bench"));
        long began = System.nanoTime();
        try (KafkaBrokerLauncher broker = new KafkaBrokerLauncher(KafkaBrokerLauncher.defaultLibDir(),
                dir.resolve("broker-" + UUID.randomUUID()), 0, "1g", Map.of()).start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
             HttpIngressBench http = new HttpIngressBench(broker.bootstrapServers(), admin)) {
            String bootstrap = broker.bootstrapServers();
            List<Map<String, Object>> results = new ArrayList<>();
            FlowBench flows = new FlowBench(bootstrap, admin);
            RawLoops raw = new RawLoops(bootstrap);
            Map<Integer, List<RunResult>> routeRuns = new HashMap<>();
            for (int size : new int[] {100, 1024}) {
                long n = (long) ((size == 100 ? 500_000 : 150_000) * scale);
                // the producer route is also the http-ingress baseline: its runs are measured once per size
                Run route = memo(routeRuns.computeIfAbsent(size, s -> new ArrayList<>()), last -> flows.producerRoute(topic(admin), n, size));
                results.add(pair("producer", null, "ProducerPerformance", size, n,
                        last -> KafkaToolRunner.producerPerformance(bootstrap, topic(admin), n, size), route));
            }
            for (int size : new int[] {100, 1024}) {
                long n = (long) ((size == 100 ? 500_000 : 150_000) * scale);
                List<RunResult> cache = routeRuns.computeIfAbsent(size, s -> new ArrayList<>());
                long singles = Math.max(500, (long) (5_000 * scale));
                long batches = Math.max(BATCH * 10, (long) ((size == 100 ? 200_000 : 100_000) * scale)) / BATCH * BATCH;
                results.add(pair("http-ingress", "singles", "producer route (same size, this run)", size, singles,
                        memo(cache, last -> flows.producerRoute(topic(admin), n, size)),
                        last -> http.run(singles, size, 1)));
                results.add(pair("http-ingress", "batches", "producer route (same size, this run)", size, batches,
                        memo(cache, last -> flows.producerRoute(topic(admin), n, size)),
                        last -> http.run(batches, size, BATCH)));
            }
            http.close();
            long consumed = (long) (500_000 * scale);
            String filled = inputTopic(admin);
            if (wanted("consumer")) {
                flows.fillJson(filled, consumed);
            }
            results.add(pair("consumer", null, "ConsumerPerformance", 100, consumed,
                    last -> KafkaToolRunner.consumerPerformance(bootstrap, filled, consumed),
                    last -> flows.consumerFlow(filled, consumed, last)));
            // 50,000 and 100,000 (not more): the raw EOS loop and the window flow are the slowest pairs; the whole
            // command stays under 20 minutes at scale 1.0 on the 2-core machine
            long eos = (long) (50_000 * scale);
            String eosInput = inputTopic(admin);
            if (wanted("exactly-once")) {
                flows.fillJson(eosInput, eos);
            }
            results.add(pair("exactly-once", null, "raw kafka-clients EOS loop (100 records per transaction)", 100, eos,
                    last -> raw.eos(eosInput, topic(admin), eos, last),
                    last -> flows.exactlyOnceFlow(eosInput, topic(admin), eos, last)));
            StreamBench streams = new StreamBench(bootstrap, flows);
            long transformed = (long) (200_000 * scale);
            String transformInput = inputTopic(admin);
            if (wanted("stream-transform")) {
                flows.fillJson(transformInput, transformed);
            }
            results.add(pair("stream-transform", null, "raw kafka-clients consume-transform-produce loop (commit per poll)", 100,
                    transformed, last -> raw.transform(transformInput, topic(admin), transformed, last),
                    last -> streams.transformFlow(transformInput, topic(admin), transformed, last)));
            long windowed = (long) (100_000 * scale);
            String windowInput = inputTopic(admin);
            if (wanted("windowed-aggregation")) {
                streams.fillWindowInput(windowInput, windowed);
            }
            results.add(pair("windowed-aggregation", null, "Kafka Streams 4.3.1 (tumbling 1 s, 10k keys, exactly_once_v2)", 20,
                    windowed, last -> streams.kafkaStreamsWindows(windowInput, topic(admin), windowed),
                    last -> streams.windowFlow(windowInput, topic(admin), windowed)));
            results.removeIf(java.util.Objects::isNull);
            ResultTable.print(results);
            Files.writeString(dir.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
            System.out.println("written: " + dir.resolve("results.json").toAbsolutePath());
            System.out.printf("bench took %.0f s%n", (System.nanoTime() - began) / 1e9);
        }
    }

    /** One measured run; {@code last} is true for the third measured run, which also takes the paced latency phase. */
    interface Run {
        RunResult run(boolean last) throws Exception;
    }

    /** The n-th call returns the n-th cached result, measuring (and caching) it if there is none yet. */
    private static Run memo(List<RunResult> cache, Run run) {
        int[] calls = {0};
        return last -> {
            int call = calls[0]++;
            if (call < cache.size()) {
                return cache.get(call);
            }
            RunResult result = run.run(last);
            cache.add(result);
            return result;
        };
    }

    private static Set<String> selected;

    private static boolean wanted(String flow) {
        return selected == null || selected.contains(flow);
    }

    /** Warm-up of each, then 3 runs of each side by side; medians (peak RSS and GC share: the highest). */
    private static Map<String, Object> pair(String flow, String mode, String baseline, int size, long records,
                                            Run baselineRun, Run flowRun) throws Exception {
        if (!wanted(flow)) {
            return null;
        }
        System.out.printf("%s%s (%d B, %d records): warm-up...%n", flow, mode == null ? "" : " " + mode, size, records);
        baselineRun.run(false);
        flowRun.run(false);
        List<RunResult> b = new ArrayList<>();
        List<RunResult> f = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            b.add(baselineRun.run(i == 2));
            f.add(flowRun.run(i == 2));
            System.out.printf("  run %d: baseline %s | flow %s%n", i + 1, b.get(i), f.get(i));
        }
        return ResultTable.row(flow, mode, baseline, size, records, b, f);
    }

    /**
     * A fresh topic of the bench layout that flows and baselines write to, with one record ("prime", not JSON of the
     * bench's shape, so readers skip it) already acknowledged on each partition. Seen on this machine: an idempotent
     * producer writing to a just-created topic got NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER until its
     * batches expired; one acknowledged write per partition first avoids that race.
     */
    static String topic(Admin admin) throws Exception {
        String name = inputTopic(admin);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                .map(n -> n.host() + ":" + n.port()).findFirst().orElseThrow());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                producer.send(new ProducerRecord<>(name, partition, null, "\"prime\"".getBytes(StandardCharsets.UTF_8)))
                        .get(60, TimeUnit.SECONDS);
            }
        }
        return name;
    }

    /** The sum of the topic's end offsets. */
    static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** A fresh topic of the bench layout for input the bench fills itself (one request in flight, so no race). */
    static String inputTopic(Admin admin) throws Exception {
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
