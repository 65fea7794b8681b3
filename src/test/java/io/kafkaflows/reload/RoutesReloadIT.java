package io.kafkaflows.reload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The editing loop (#20): the packaged app in the dev profile (child process) on a copy of routes/ in its own working
 * directory, edited while it runs. A reload in the middle of the exactly-once and windowed flows loses and
 * duplicates nothing (independent read_committed reads to the end offsets); a step added to each shipped flow file
 * runs within seconds; a new Java route in routes/ is compiled and runs, and so does its edit; invalid YAML, an
 * unknown endpoint option and a javac error each log one ERROR with file and line while the previous routes keep
 * running, and the fixed file reloads. Throughout: one start of the app, no duplicate route id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutesReloadIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RELOADED = Duration.ofSeconds(90);
    /** Window results of this test's windows: 10 s tumbling windows in the past (brokers refuse the future). */
    private static final long BASE = (System.currentTimeMillis() - Duration.ofMinutes(30).toMillis()) / 10_000 * 10_000;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger eosSeq = new AtomicInteger();
    private Map<String, String> settings;
    private RouteFiles routes;
    private AppProcess app;

    @BeforeAll
    void startAppInDevProfile() throws Exception {
        settings = childAppSettings(unique("reload-consumer"), unique("reload-consumer-group"));
        settings.put("camel.main.profile", "dev");
        settings.put("flows.demo.enabled", "true");
        settings.put("flows.demo.topic", unique("reload-demo"));
        settings.put("flows.demo.period", "1000");
        settings.put("flows.monitor.lag-interval", "1000");
        settings.put("flows.eos.max-records-per-transaction", "50");
        settings.put("flows.window.size", "PT10S");
        settings.put("flows.window.grace", "PT2S");
        settings.put("flows.queue.enabled", "true");
        settings.put("flows.queue.topic", unique("reload-queue"));
        settings.put("flows.queue.group-id", unique("reload-queue-group"));
        createTopic(settings.get("flows.queue.topic"), 1);
        createTopic(settings.get("flows.eos.input-topic"), 3);
        createTopic(settings.get("flows.eos.output-topic"), 3);
        createTopic(settings.get("flows.window.input-topic"), 1);
        createTopic(settings.get("flows.window.output-topic"), 1);
        createTopic(settings.get("flows.window.late-topic"), 1);
        Path workDir = Files.createDirectories(Path.of("target", "test-reload", UUID.randomUUID().toString()));
        routes = RouteFiles.copyOfRepoRoutes(workDir);
        app = AppProcess.start(unique("reload"), settings, Map.of(), workDir);
        app.awaitLog("Live reload of routes", Duration.ofSeconds(120));
        app.awaitLog("(kafka-flows) started in", Duration.ofSeconds(120));
    }

    @AfterAll
    void stopApp() {
        if (app != null) {
            app.stop();
        }
    }

    /** Records go through the exactly-once and window flows while both files are reloaded. */
    @Test
    @Order(1)
    void exactlyOnceAndWindowFlowsKeepTheirGuaranteesAcrossReloads() throws Exception {
        String eosIn = settings.get("flows.eos.input-topic");
        String windowIn = settings.get("flows.window.input-topic");
        String windowGroup = settings.get("flows.window.group-id");
        produceEos(1500);
        produceWindow(0, 30);
        await().atMost(RELOADED).until(() -> committedTotal(settings.get("flows.eos.group-id"), eosIn) > 0);

        int reloads = count(app.output(), "FlowReloadStrategy - Reloaded");
        routes.addLogStep("exactly-once.camel.yaml", "id: exactly-once\n", "RELOAD-MARK exactly-once");
        produceEos(1500);
        awaitReloads(reloads + 1);
        await().atMost(RELOADED).until(() -> committedTotal(windowGroup, windowIn) == 30);
        routes.addLogStep("windowed-aggregation.camel.yaml", "id: windowed-aggregation\n", "RELOAD-MARK windowed-aggregation");
        produceEos(1000);
        produceWindow(30, 30);
        awaitReloads(reloads + 2);
        // closes the window [BASE, BASE + 10 s) on the partition: stream time passes its end + grace
        produce(List.of(new ProducerRecord<>(windowIn, 0, BASE + 20_000, bytes("close"), bytes("{\"value\":1}"))));
        app.awaitLog("RELOAD-MARK exactly-once", RELOADED);
        app.awaitLog("RELOAD-MARK windowed-aggregation", RELOADED);

        long inputs = endOffsetTotal(eosIn);
        await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(settings.get("flows.eos.group-id"), eosIn) == inputs);
        List<ConsumerRecord<byte[], byte[]>> out = readToEnd(settings.get("flows.eos.output-topic"), "read_committed");
        Set<Integer> seqs = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            seqs.add(JSON.readTree(r.value()).get("seq").asInt());
        }
        System.out.printf("exactly-once across 2 reloads: %d inputs, %d outputs, %d distinct%n", inputs, out.size(), seqs.size());
        if (seqs.size() != inputs) {
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(eosIn, "read_uncommitted")) {
                int seq = JSON.readTree(r.value()).get("seq").asInt();
                if (!seqs.contains(seq)) {
                    System.out.printf("missing seq %d: input partition %d offset %d%n", seq, r.partition(), r.offset());
                }
            }
        }
        assertEquals(4000, inputs);
        assertEquals(inputs, out.size(), "no output lost or duplicated");
        assertEquals(inputs, seqs.size(), "each input once");

        await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(windowGroup, windowIn) == 61);
        Map<String, Integer> counts = new HashMap<>();
        int results = 0;
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(settings.get("flows.window.output-topic"), "read_committed")) {
            JsonNode result = JSON.readTree(r.value());
            if (result.get("windowStart").asLong() == BASE) {
                results++;
                counts.put(result.get("key").asText(), result.get("count").asInt());
            }
        }
        System.out.println("window [BASE, +10 s) across a reload: " + counts);
        assertEquals(Map.of("k0", 20, "k1", 20, "k2", 20), counts, "every record counted once, state restored");
        assertEquals(3, results, "one result per key and window");
        assertTrue(readToEnd(settings.get("flows.window.late-topic"), "read_committed").isEmpty(), "nothing late");
        assertOneStartNoDuplicateIds();
    }

    /** A log step added to each shipped flow file, each followed by what makes that route run. */
    @Test
    @Order(2)
    void aStepAddedToEachShippedFlowFileRunsWithoutRestart() throws Exception {
        String consumerTopic = settings.get("flows.consumer.topic");
        String management = settings.get("camel.management.port");
        Map<String, Edit> edits = new LinkedHashMap<>();
        edits.put("admin.camel.yaml", new Edit("id: admin-call\n", () -> get("/api/topics")));
        edits.put("consumer.camel.yaml", new Edit("id: consumer-records\n", () -> produce(consumerTopic, "k", "{\"n\":1}")));
        edits.put("dashboard.camel.yaml", new Edit("id: dashboard-page\n", () -> get("/ui")));
        edits.put("demo.camel.yaml", new Edit("id: demo-generator\n", () -> { }));
        edits.put("dlq-replay.camel.yaml", new Edit("id: dlq-replay-http\n", () -> post("/api/dlq/replay", "{}")));
        edits.put("error-handling.camel.yaml", new Edit("id: http-errors\n", () -> get("/api/topics/" + unique("missing"))));
        edits.put("exactly-once.camel.yaml", new Edit("id: exactly-once\n", () -> produceEos(1)));
        edits.put("monitoring.camel.yaml", new Edit("id: monitor-lag\n", () -> { }));
        edits.put("queue.camel.yaml", new Edit("id: queue-records\n",
                () -> produce(settings.get("flows.queue.topic"), "k", "job")));
        edits.put("producer.camel.yaml", new Edit("id: producer-http-ingress\n",
                () -> post("/api/topics/" + consumerTopic + "/records", "{\"value\":{\"x\":1}}")));
        edits.put("stream-transform.camel.yaml", new Edit("id: stream-transform\n",
                () -> produce(settings.get("flows.transform.input-topic"), "k", "{\"text\":\"hi\"}")));
        edits.put("windowed-aggregation.camel.yaml", new Edit("id: windowed-aggregation\n",
                () -> produce(List.of(new ProducerRecord<>(settings.get("flows.window.input-topic"), 0, BASE + 30_000,
                        bytes("k0"), bytes("{\"value\":1}"))))));
        try (var files = Files.list(Path.of("routes"))) {
            assertEquals(edits.keySet(), new HashSet<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".camel.yaml"))
                    // beans only (the shared commit plumbing): no route to add a step to
                    .filter(n -> !n.equals("kafka-commits.camel.yaml")).toList()), "every shipped flow file is edited");
        }
        for (Map.Entry<String, Edit> edit : edits.entrySet()) {
            String marker = "RELOAD-STEP " + edit.getKey();
            long start = System.nanoTime();
            routes.addLogStep(edit.getKey(), edit.getValue().anchor(), marker);
            await().atMost(RELOADED).pollInterval(Duration.ofMillis(500)).until(() -> {
                edit.getValue().trigger().run();
                return app.output().contains(marker);
            });
            System.out.printf("%s: step added -> ran after %d ms%n", edit.getKey(), (System.nanoTime() - start) / 1_000_000);
        }
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/health"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "healthy after the reloads");
        String health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                + "/observe/health?data=true&exposureLevel=full")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(health.contains("\"reload.files\":\"routes\\/windowed-aggregation.camel.yaml\"")
                || health.contains("\"reload.files\":\"routes/windowed-aggregation.camel.yaml\""), health);
        assertTrue(health.contains("\"reload.result\":\"ok\""), health);
        assertOneStartNoDuplicateIds();
    }

    /** routes/*.java: a new RouteBuilder is compiled and runs; so does its edit. */
    @Test
    @Order(3)
    void aJavaRouteInRoutesIsCompiledAndReloaded() {
        routes.write("HelloRoute.java", javaRoute("JAVA-MARK 1"));
        app.awaitLog("JAVA-MARK 1", RELOADED);
        routes.write("HelloRoute.java", javaRoute("JAVA-MARK 2"));
        app.awaitLog("JAVA-MARK 2", RELOADED);
        assertOneStartNoDuplicateIds();
    }

    /** Each broken edit: one ERROR with file and line, the previous routes keep running, the fix reloads. */
    @Test
    @Order(4)
    void aBrokenEditKeepsThePreviousRoutesAndTheFixReloads() {
        String consumerTopic = settings.get("flows.consumer.topic");
        String good = routes.read("consumer.camel.yaml");

        String error = breakAndCheck("consumer.camel.yaml", good.replace("        breakOnFirstError: true\n      steps:",
                "        breakOnFirstError: true\n      steps: [unclosed"), "routes/consumer.camel.yaml line ", consumerTopic);
        assertTrue(error.contains("invalid YAML"), error);
        routes.write("consumer.camel.yaml", good);

        error = breakAndCheck("consumer.camel.yaml", good.replaceFirst("        breakOnFirstError: true\n",
                "        breakOnFirstError: true\n        bogusOption: 42\n"), "routes/consumer.camel.yaml line ", consumerTopic);
        assertTrue(error.contains("bogusOption"), error);
        int reloads = count(app.output(), "FlowReloadStrategy - Reloaded");
        routes.write("consumer.camel.yaml", good.replace("RELOAD-STEP consumer.camel.yaml", "RELOAD-FIXED consumer.camel.yaml"));
        awaitReloads(reloads + 1);
        await().atMost(RELOADED).pollInterval(Duration.ofMillis(500)).until(() -> {
            produce(consumerTopic, "k", "{\"n\":2}");
            return app.output().contains("RELOAD-FIXED consumer.camel.yaml");
        });

        int before = app.output().length();
        routes.write("HelloRoute.java", javaRoute("JAVA-MARK 3").replace("JAVA-MARK 3\");", "JAVA-MARK 3\")"));
        awaitLogAfter(before, "Reload failed: routes/HelloRoute.java line ");
        String since = app.output().substring(before);
        assertEquals(1, count(since, " ERROR "), since);
        assertTrue(since.contains("compile error"), since);
        int marks = count(app.output(), "JAVA-MARK 2");
        await().atMost(RELOADED).until(() -> count(app.output(), "JAVA-MARK 2") > marks + 1);
        routes.write("HelloRoute.java", javaRoute("JAVA-MARK 3"));
        app.awaitLog("JAVA-MARK 3", RELOADED);
        assertOneStartNoDuplicateIds();
    }

    /** Saves the broken content; returns the one ERROR line after checking the consumer flow still consumes. */
    private String breakAndCheck(String file, String broken, String expected, String consumerTopic) {
        int before = app.output().length();
        routes.write(file, broken);
        awaitLogAfter(before, "Reload failed: " + expected);
        String probe = "{\"probe\":\"" + UUID.randomUUID() + "\"}";
        produce(consumerTopic, "k", probe);
        app.awaitLog("Exchange[Body: " + probe + "]", RELOADED);
        String since = app.output().substring(before);
        assertEquals(1, count(since, " ERROR "), since);
        return since.lines().filter(l -> l.contains(" ERROR ")).findFirst().orElseThrow();
    }

    private void awaitLogAfter(int offset, String text) {
        await().atMost(RELOADED).pollInterval(Duration.ofMillis(200)).until(() -> app.output().substring(offset).contains(text));
    }

    private void assertOneStartNoDuplicateIds() {
        String out = app.output();
        assertTrue(app.isAlive(), app.tail());
        assertEquals(1, count(out, "(kafka-flows) started in"), "never restarted");
        assertFalse(out.contains("duplicate"), "no duplicate route id");
        assertFalse(out.contains("FileWatcherResourceReloadStrategy"), "Camel's own reload never ran");
    }

    private void awaitReloads(int total) {
        await().atMost(RELOADED).until(() -> count(app.output(), "FlowReloadStrategy - Reloaded") >= total);
    }

    private void produceEos(int n) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int seq = eosSeq.getAndIncrement();
            records.add(new ProducerRecord<>(settings.get("flows.eos.input-topic"), bytes("key-" + (seq % 30)),
                    bytes("{\"seq\":" + seq + "}")));
        }
        produce(records);
    }

    private void produceWindow(int from, int n) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            records.add(new ProducerRecord<>(settings.get("flows.window.input-topic"), 0, BASE + i * 100L,
                    bytes("k" + (i % 3)), bytes("{\"value\":1}")));
        }
        produce(records);
    }

    private void get(String path) {
        send(HttpRequest.newBuilder(api(path)).GET());
    }

    private void post(String path, String json) {
        send(HttpRequest.newBuilder(api(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private void send(HttpRequest.Builder request) {
        try {
            http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // the route may be between its stop and its start: the poll sends again
        }
    }

    private URI api(String path) {
        return URI.create("http://127.0.0.1:" + settings.get("camel.server.port") + path);
    }

    private static String javaRoute(String marker) {
        return """
                import org.apache.camel.builder.RouteBuilder;

                public class HelloRoute extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("timer:hello?period=1000").routeId("hello-java")
                                .log("%s");
                    }
                }
                """.formatted(marker).replace(".log(\"", ".log(org.apache.camel.LoggingLevel.INFO, \"io.kafkaflows.reloadtest\", \"");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private record Edit(String anchor, Runnable trigger) {
    }
}
