package io.kafkaflows.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import io.kafkaflows.testsupport.OtlpReceiver;
import io.kafkaflows.bench.ResultTable.Baseline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The bench command ({@code bench/run [scale] [flow,...]}): starts a local broker through the project's launcher and
 * measures each flow at its defaults against what a user would pick instead (issue #15), side by side on the same
 * broker, topic layout (6 partitions) and data: the producer route against ProducerPerformance (warm), the HTTP
 * ingress (wrk, singles and batches) against ProducerPerformance, the consumer flow against a plain kafka-clients
 * loop doing the same work with the same commit policy (ConsumerPerformance as a reference row), the stream transform
 * and the exactly-once flow against Kafka Streams mapValues (at_least_once / exactly_once_v2; the raw EOS loop as a
 * reference row), the windowed aggregation against Kafka Streams with the same windows, the queue flow against a
 * plain KafkaShareConsumer loop ({@link QueueBench}). Warm-up of each side, then
 * 3 runs of each side by side; per run CPU per million records, peak RSS, GC share ({@link ResourceMeter}) and,
 * where it applies, p50/p99 latency ({@link LatencyProbe}). Prints a table and writes target/bench/results.json
 * ({@link ResultTable}); a run of every goal pair also rewrites the goal table of docs/performance.md
 * ({@link PerformanceDoc}). Not part of the test command; method and columns: docs/performance.md.
 */
public final class BenchMain {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KAFKA = AppInfoParser.getVersion();
    private static Set<String> selected;
    private static final Map<String, Double> PAIR_SECONDS = new LinkedHashMap<>();

    private BenchMain() {
    }

    /** One measured run; {@code last} is true for the third measured run, which also takes the paced latency phase. */
    interface Run {
        RunResult run(boolean last) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        // optional second argument: the flows to measure, comma separated (default: all)
        selected = args.length > 1 ? Set.of(args[1].split(",")) : null;
        LatencyProbe.seconds = Math.max(2, Math.min(10, 10 * scale));
        System.out.printf("bench JVM: max heap %d MB, GC %s, %d CPUs; Kafka clients and Streams %s%n",
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList(),
                Runtime.getRuntime().availableProcessors(), KAFKA);
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
            StreamBench streamFlows = new StreamBench(bootstrap, flows);
            KafkaStreamsBaselines streams = new KafkaStreamsBaselines(bootstrap, flows);

            // producer route vs ProducerPerformance; its runs are also the http-ingress baseline (cached per size)
            Map<Integer, List<RunResult>> perfRuns = new HashMap<>();
            for (int size : new int[] {100, 1024}) {
                long n = (long) ((size == 100 ? 2_000_000 : 400_000) * scale);
                long warm = n / 4;
                Run perf = memo(perfRuns.computeIfAbsent(size, s -> new ArrayList<>()),
                        last -> KafkaToolRunner.producerPerformance(bootstrap, BenchTopics.topic(admin), n, warm, size));
                results.addAll(pair("producer", null, size, n, last -> flows.producerRoute(BenchTopics.topic(admin), n, size),
                        new Baseline("ProducerPerformance (own JVM, " + warm + " --warmup-records, then " + n + ")", n, false, perf)));
            }

            // HTTP ingress (wrk, 100 B records: the goals) vs ProducerPerformance at 100 B; 1 KiB HTTP rows
            // would add about 2 minutes at scale 1.0 (the whole command must stay under 20 minutes)
            if (wanted("http-ingress") && HttpIngressBench.wrk() == null) {
                System.out.println("http-ingress: skipped, wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk)");
            } else {
                int seconds = (int) Math.max(2, Math.round(10 * scale));
                int size = 100;
                long n = (long) (2_000_000 * scale);
                List<RunResult> cache = perfRuns.computeIfAbsent(size, s -> new ArrayList<>());
                // a memo per pair: each pair's n-th call gets the n-th ProducerPerformance run of this size
                java.util.function.Supplier<Baseline> perf = () -> new Baseline("ProducerPerformance (same size, this run)", n, false,
                        memo(cache, last -> KafkaToolRunner.producerPerformance(bootstrap, BenchTopics.topic(admin), n, n / 4, size)));
                results.addAll(pair("http-ingress", "singles", size, null,
                        last -> http.run(size, 1, HttpIngressBench.SINGLES_CONNECTIONS, seconds), perf.get()));
                results.addAll(pair("http-ingress", "batches", size, null,
                        last -> http.run(size, HttpIngressBench.BATCH, HttpIngressBench.BATCHES_CONNECTIONS, seconds), perf.get()));
            }
            http.close();

            long consumed = (long) (500_000 * scale);
            String consumerInput = filledJson(flows, admin, "consumer", consumed);
            int maxPoll = Integer.parseInt(BenchProperties.flowDefault("flows.consumer.max-poll-records"));
            results.addAll(pair("consumer", null, 100, consumed,
                    last -> flows.consumerFlow(consumerInput, consumed, last),
                    new Baseline("ConsumerPerformance (own JVM)", consumed, true,
                            last -> KafkaToolRunner.consumerPerformance(bootstrap, consumerInput, consumed)),
                    new Baseline("plain kafka-clients loop: Jackson readTree, identity handler, writeValueAsString, no-op sink; "
                            + maxPoll + " records per poll (the flow's default), commitSync per poll", consumed, false,
                            last -> raw.consumer(consumerInput, consumed, maxPoll, last))));

            // the consumer flow's batch-sink mode (one exchange per poll) against the plain loop polling as many
            int batchSink = 500;
            String batchSinkInput = filledJson(flows, admin, "consumer-batch-sink", consumed);
            results.addAll(pair("consumer-batch-sink", batchSink + " records per poll", 100, consumed,
                    last -> flows.consumerBatchSinkFlow(batchSinkInput, consumed, last, batchSink),
                    new Baseline("plain kafka-clients loop: Jackson readTree, identity handler, writeValueAsString, no-op sink; "
                            + batchSink + " records per poll, commitSync per poll", consumed, false,
                            last -> raw.consumer(batchSinkInput, consumed, batchSink, last))));

            // tracing's cost: the consumer flow traced (spans exported over OTLP to a receiver that discards them),
            // every trace and 1 % of them, against the same flow untraced, same run
            long traced = (long) (200_000 * scale);
            String tracedInput = filledJson(flows, admin, "tracing", traced);
            try (OtlpReceiver otlp = new OtlpReceiver()) {
                for (double sampled : new double[] {1.0, 0.01}) {
                    results.addAll(pair("tracing", "consumer flow traced, " + Math.round(sampled * 100) + " % sampled", 100, traced,
                            last -> flows.consumerFlow(tracedInput, traced, last, otlp.endpoint(), sampled),
                            new Baseline("the same consumer flow, tracing off", traced, false,
                                    last -> flows.consumerFlow(tracedInput, traced, last, null, 0))));
                    System.out.println("tracing: the OTLP receiver got " + otlp.received() + " so far");
                }
            }

            long transformed = (long) (300_000 * scale);
            String transformInput = filledJson(flows, admin, "stream-transform", transformed);
            results.addAll(pair("stream-transform", null, 100, transformed,
                    last -> streamFlows.transformFlow(transformInput, BenchTopics.topic(admin), transformed, last),
                    new Baseline("Kafka Streams " + KAFKA + " mapValues (upper-case text, Jackson), at_least_once, commit.interval.ms "
                            + KafkaStreamsBaselines.COMMIT_INTERVAL_MS, transformed, false,
                            last -> streams.mapValues(transformInput, BenchTopics.topic(admin), transformed,
                                    StreamsConfig.AT_LEAST_ONCE, KafkaStreamsBaselines::upperCaseText, last))));

            // the raw EOS loop (100 records per transaction) is slow: a reference over the first quarter of the input
            long eos = (long) (120_000 * scale);
            long eosRaw = eos / 4;
            String eosInput = filledJson(flows, admin, "exactly-once", eos);
            results.addAll(pair("exactly-once", null, 100, eos,
                    last -> flows.exactlyOnceFlow(eosInput, BenchTopics.topic(admin), eos, last),
                    new Baseline("raw kafka-clients EOS loop (one transaction per poll of 100), first " + eosRaw + " records",
                            eosRaw, true, last -> raw.eos(eosInput, BenchTopics.topic(admin), eosRaw, false)),
                    new Baseline("Kafka Streams " + KAFKA + " mapValues (add processedAt, Jackson), exactly_once_v2, commit.interval.ms "
                            + KafkaStreamsBaselines.COMMIT_INTERVAL_MS, eos, false,
                            last -> streams.mapValues(eosInput, BenchTopics.topic(admin), eos,
                                    StreamsConfig.EXACTLY_ONCE_V2, KafkaStreamsBaselines::processedAt, last))));

            long windowed = (long) (100_000 * scale);
            String windowInput = BenchTopics.inputTopic(admin);
            if (wanted("windowed-aggregation")) {
                streamFlows.fillWindowInput(windowInput, windowed);
            }
            results.addAll(pair("windowed-aggregation", null, 20, windowed,
                    last -> streamFlows.windowFlow(windowInput, BenchTopics.topic(admin), windowed),
                    new Baseline("Kafka Streams " + KAFKA + " windowed aggregate (tumbling 1 s, grace 200 ms, 10k keys), "
                            + "suppress(untilWindowCloses), exactly_once_v2, commit.interval.ms " + KafkaStreamsBaselines.COMMIT_INTERVAL_MS,
                            windowed, false, last -> streams.windows(windowInput, BenchTopics.topic(admin), windowed))));

            // the queue flow (share group) on one partition: 50 ms jobs with 1 and 4 consumers (work spread past the
            // partition count), then no work (the cost of the machinery itself)
            QueueBench queue = new QueueBench(bootstrap, admin);
            long jobs = Math.max(100, (long) (400 * scale));
            long queued = (long) (100_000 * scale);
            String jobInput = wanted("queue") ? queue.input(flows, jobs) : null;
            String queueInput = wanted("queue") ? queue.input(flows, queued) : null;
            for (int consumers : new int[] {1, 4}) {
                long n = consumers == 1 ? jobs / 4 : jobs;
                results.addAll(pair("queue", consumers + " consumer(s), 50 ms jobs, 1 partition", 40, n,
                        last -> queue.flow(jobInput, n, consumers, 50),
                        new Baseline("plain KafkaShareConsumer loop, " + consumers + " consumer thread(s), same work, explicit"
                                + " ACCEPT, commitSync per poll", n, false, last -> queue.plainLoop(jobInput, n, consumers, 50))));
            }
            results.addAll(pair("queue", "4 consumers, no work, 1 partition", 40, queued,
                    last -> queue.flow(queueInput, queued, 4, 0),
                    new Baseline("plain KafkaShareConsumer loop, 4 consumer threads, explicit ACCEPT, commitSync per poll",
                            queued, false, last -> queue.plainLoop(queueInput, queued, 4, 0))));

            ResultTable.print(results);
            Files.writeString(dir.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
            System.out.println("written: " + dir.resolve("results.json").toAbsolutePath());
            PerformanceDoc.update(Path.of("docs", "performance.md"), results, scale, System.getProperty("bench.commit", "unknown"));
            PAIR_SECONDS.forEach((pair, seconds) -> System.out.printf("  %s: %.0f s%n", pair, seconds));
            System.out.printf("bench took %.0f s (build not included)%n", (System.nanoTime() - began) / 1e9);
        }
    }

    /** A fresh input topic of JSON records, filled only if the flow is measured. */
    private static String filledJson(FlowBench flows, Admin admin, String flow, long records) throws Exception {
        String topic = BenchTopics.inputTopic(admin);
        if (wanted(flow)) {
            flows.fillJson(topic, records);
        }
        return topic;
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

    private static boolean wanted(String flow) {
        return selected == null || selected.contains(flow);
    }

    /**
     * A warm-up of each side, then 3 rounds: each baseline in the order given (references first: the goal's baseline
     * adds paced records to the input in its third run), then the flow. One row per baseline, the goal's first; the
     * flow's runs are shared. References take no latency phase.
     */
    private static List<Map<String, Object>> pair(String flow, String mode, int size, Long records, Run flowRun,
                                                  Baseline... baselines) throws Exception {
        if (!wanted(flow)) {
            return List.of();
        }
        String name = flow + (mode == null ? "" : " " + mode) + " " + size + " B";
        long began = System.nanoTime();
        System.out.printf("%s (%s): warm-up...%n", name, records == null ? "timed runs" : records + " records");
        for (Baseline b : baselines) {
            b.run().run(false);
        }
        flowRun.run(false);
        List<List<RunResult>> b = new ArrayList<>();
        for (Baseline ignored : baselines) {
            b.add(new ArrayList<>());
        }
        List<RunResult> f = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            StringBuilder line = new StringBuilder("  run " + (i + 1) + ":");
            for (int j = 0; j < baselines.length; j++) {
                b.get(j).add(baselines[j].run().run(i == 2 && !baselines[j].reference()));
                line.append(" baseline ").append(b.get(j).get(i)).append(" |");
            }
            f.add(flowRun.run(i == 2));
            System.out.println(line.append(" flow ").append(f.get(i)));
        }
        PAIR_SECONDS.put(name, (System.nanoTime() - began) / 1e9);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int j = 0; j < baselines.length; j++) {
            rows.add(ResultTable.row(flow, mode, size, records, baselines[j], b.get(j), f));
        }
        rows.sort(Comparator.comparing(r -> Boolean.TRUE.equals(r.get("reference"))));
        return rows;
    }
}
