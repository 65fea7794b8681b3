package io.kafkaflows.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import io.kafkaflows.testsupport.InProcessApp;
import org.apache.kafka.clients.admin.Admin;

/**
 * The HTTP ingress pair's flow side: the real app (in the bench JVM, started once for every http-ingress run)
 * serving {@code POST /api/topics/{topic}/records}, driven by a load generator on java.net.http.HttpClient
 * (HTTP/1.1, {@link #IN_FLIGHT} requests in flight) in the same JVM. Singles: one record per request
 * ({@code {"value": "..."}}); batches: {@link #BATCH} records per request (a JSON array of them). Each value is a
 * JSON string of random upper-case letters, so the Kafka record value is exactly the record size (like
 * ProducerPerformance and the producer route, no key). Synchronous mode: each request is answered after the broker
 * acked its records (acks=all). The rate counts records; the latency is per request (send to response); the records
 * are checked to have arrived (end offsets of the topic before and after). One topic per size and mode.
 */
final class HttpIngressBench implements AutoCloseable {

    static final int IN_FLIGHT = 16;
    static final int BATCH = 100;
    private final String bootstrap;
    private final Admin admin;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> topics = new HashMap<>();
    private InProcessApp app;

    HttpIngressBench(String bootstrap, Admin admin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /**
     * Sends {@code records} records of {@code size} bytes, {@code perRequest} per request, to the topic of this
     * size and mode; records/s.
     */
    RunResult run(long records, int size, int perRequest) throws Exception {
        if (app == null) {
            app = InProcessApp.start(BenchMain.appProperties(bootstrap));
        }
        String topic = topics.computeIfAbsent(size + "/" + perRequest, key -> topic());
        long before = endOffsets(topic);
        URI uri = app.uri(app.property("camel.server.port"), "/api/topics/" + topic + "/records");
        long requests = records / perRequest;
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        LatencyProbe.Recorder latency = new LatencyProbe.Recorder((int) requests);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Random random = new Random(1);
        ResourceMeter.resetPeakRss();
        ResourceMeter meter = ResourceMeter.start();
        long start = System.nanoTime();
        for (long r = 0; r < requests && failure.get() == null; r++) {
            byte[] body = body(random, size, perRequest);
            inFlight.acquire();
            long sent = System.nanoTime();
            client.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((response, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else if (response.statusCode() != 200) {
                            failure.compareAndSet(null, new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body()));
                        } else {
                            latency.record(System.nanoTime() - sent);
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(IN_FLIGHT);
        double seconds = (System.nanoTime() - start) / 1e9;
        ResourceMeter.Usage usage = meter.stop(requests * perRequest);
        inFlight.release(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("http ingress to " + topic + " failed", failure.get());
        }
        long written = endOffsets(topic) - before;
        if (written != requests * perRequest) {
            throw new IllegalStateException(topic + " holds " + written + " records, " + requests * perRequest + " were acknowledged");
        }
        return RunResult.of(written / seconds, usage).withLatency(latency.percentiles());
    }

    private static byte[] body(Random random, int size, int perRequest) {
        StringBuilder json = new StringBuilder(perRequest * (size + 16));
        json.append(perRequest == 1 ? "" : "[");
        for (int i = 0; i < perRequest; i++) {
            json.append(i == 0 ? "" : ",").append("{\"value\":\"");
            for (int b = 0; b < size - 2; b++) {
                json.append((char) ('A' + random.nextInt(26)));
            }
            json.append("\"}");
        }
        json.append(perRequest == 1 ? "" : "]");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String topic() {
        try {
            return BenchMain.topic(admin);
        } catch (Exception e) {
            throw new IllegalStateException("could not create a topic", e);
        }
    }

    private long endOffsets(String topic) throws Exception {
        return BenchMain.endOffsets(admin, topic);
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
