package io.kafkaflows.bench;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkaflows.testsupport.InProcessApp;
import org.apache.kafka.clients.admin.Admin;

/**
 * The HTTP ingress pair's flow side: the real app (in the bench JVM, started once for every http-ingress run)
 * serving {@code POST /api/topics/{topic}/records}, driven by wrk ({@link WrkScript}: {@link #THREADS} threads, a
 * fixed number of keep-alive connections, each posting as soon as its previous answer came) for a fixed time.
 * Singles: one record per request ({@code {"value": "..."}}); batches: {@link #BATCH} per request (a JSON array).
 * Each value is a JSON string of random upper-case letters, so the Kafka record value is exactly the record size
 * (like ProducerPerformance, no key). Synchronous mode: each 200 comes after the broker acked (acks=all). The rate
 * counts the records of the 200 responses; any other status fails the run. Arrival: the topic's end offsets grew by
 * at least the accepted records, and by no more than those plus what was still in flight when wrk stopped. CPU, RSS
 * and GC are the bench JVM's (the app; wrk is its own process). Latency: wrk's per-request p50/p99.
 */
final class HttpIngressBench implements AutoCloseable {

    static final int BATCH = 100;
    static final int SINGLES_CONNECTIONS = 64;
    static final int BATCHES_CONNECTIONS = 16;
    static final int THREADS = 2;
    private final String bootstrap;
    private final Admin admin;
    private final Map<String, String> topics = new HashMap<>();
    private InProcessApp app;
    private Path script;

    HttpIngressBench(String bootstrap, Admin admin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** The wrk executable on the PATH ({@code -Dbench.wrk} overrides), or null. */
    static String wrk() {
        String configured = System.getProperty("bench.wrk");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** wrk for {@code seconds} at {@code connections}, {@code perRequest} records of {@code size} bytes per request. */
    RunResult run(int size, int perRequest, int connections, int seconds) throws Exception {
        if (app == null) {
            app = InProcessApp.start(BenchProperties.app(bootstrap));
            script = WrkScript.write(Path.of("target", "bench"));
        }
        boolean fresh = !topics.containsKey(size + "/" + perRequest);
        String topic = topics.computeIfAbsent(size + "/" + perRequest, key -> topic());
        String url = app.uri(app.property("camel.server.port"), "/api/topics/" + topic + "/records").toString();
        if (fresh) {
            prime(url, size, perRequest);
        }
        long before = stableEndOffsets(topic);
        Path out = Files.createTempFile("wrk", ".out");
        List<String> cmd = List.of(wrk(), "-t" + THREADS, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                "--latency", "-s", script.toString(), url, "--", String.valueOf(size), String.valueOf(perRequest),
                String.valueOf(WrkScript.pool(perRequest)));
        ResourceMeter.resetPeakRss();
        ResourceMeter meter = ResourceMeter.start();
        Process wrk = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!wrk.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IllegalStateException("wrk did not finish:\n" + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("BENCH ok=(\\d+) other=(\\d+) duration_us=(\\d+) p50_us=([\\d.]+) p99_us=([\\d.]+) "
                + "timeouts=(\\d+) socket_errors=(\\d+)").matcher(text);
        if (wrk.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("wrk failed (" + String.join(" ", cmd) + "):\n" + text);
        }
        long ok = Long.parseLong(m.group(1));
        long other = Long.parseLong(m.group(2));
        long timeouts = Long.parseLong(m.group(6));
        long accepted = ok * perRequest;
        ResourceMeter.Usage usage = meter.stop(accepted);
        long socketErrors = Long.parseLong(m.group(7));
        if (other > 0 || socketErrors > 0 || ok == 0) {
            throw new IllegalStateException("http ingress to " + topic + ": " + other + " responses other than 200, "
                    + socketErrors + " socket errors (" + ok + " were 200):\n" + text);
        }
        // requests still in flight when wrk stopped (at most one per connection, plus timed-out ones) may land too
        long written = stableEndOffsets(topic) - before;
        long inFlight = (connections + timeouts) * (long) perRequest;
        if (written < accepted || written > accepted + inFlight) {
            throw new IllegalStateException(topic + " grew by " + written + " records; " + accepted
                    + " were acknowledged with 200, at most " + inFlight + " more were in flight");
        }
        double wall = Long.parseLong(m.group(3)) / 1e6;
        System.out.printf("  wrk: %d requests answered 200 in %.1f s (%.0f req/s), %d timeouts, %d socket errors; topic +%d%n",
                ok, wall, ok / wall, timeouts, socketErrors, written);
        return RunResult.of(accepted / wall, usage).withLatency(new double[] {
                Math.round(Double.parseDouble(m.group(4)) / 10) / 100.0, Math.round(Double.parseDouble(m.group(5)) / 10) / 100.0});
    }

    /**
     * One request of the run's shape, answered 200, before wrk starts: a cold app (its producer, metadata, JIT) took
     * over 2 s for its first answer on the busy bench machine, longer than a short wrk run.
     */
    private static void prime(String url, int size, int perRequest) throws Exception {
        StringBuilder value = new StringBuilder("{\"value\":\"").append("P".repeat(size - 2)).append("\"}");
        String body = perRequest == 1 ? value.toString() : "[" + (value + ",").repeat(perRequest - 1) + value + "]";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("priming " + url + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private String topic() {
        try {
            return BenchTopics.topic(admin);
        } catch (Exception e) {
            throw new IllegalStateException("could not create a topic", e);
        }
    }

    /** The topic's end offsets once they stop moving for 300 ms (late writes of requests wrk gave up on). */
    private long stableEndOffsets(String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long last = BenchTopics.endOffsets(admin, topic);
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            long now = BenchTopics.endOffsets(admin, topic);
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
