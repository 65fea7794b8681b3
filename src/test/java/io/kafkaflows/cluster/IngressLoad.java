package io.kafkaflows.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A load generator for the HTTP ingress ({@code POST /api/topics/{topic}/records}): {@code threads} clients, each
 * posting one record at a time (so at most {@code threads} requests are in flight), every value carrying a unique
 * id ({@code {"id":"<prefix>-<n>"}}). Keeps the outcome of every request: the status (or -1 when no answer came),
 * the {@code error} code of a refusal, and when it was sent and answered.
 */
final class IngressLoad implements AutoCloseable {

    /** One request: {@code status} -1 when the request itself failed (connection refused, timeout). */
    record Outcome(String id, int status, String error, long sentNanos, long answeredNanos) {

        boolean acked() {
            return status == 200;
        }

        Duration latency() {
            return Duration.ofNanos(answeredNanos - sentNanos);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String prefix;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    IngressLoad(int httpPort, String topic, String prefix, int threads) {
        this.uri = URI.create("http://127.0.0.1:" + httpPort + "/api/topics/" + topic + "/records");
        this.prefix = prefix;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, "ingress-load-" + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
    }

    private void run() {
        while (running) {
            String id = prefix + "-" + sequence.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\":{\"id\":\"" + id + "\"}}")).build();
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                String error = response.statusCode() == 200 ? null : errorCode(response.body());
                outcomes.add(new Outcome(id, response.statusCode(), error, sent, System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                outcomes.add(new Outcome(id, -1, e.getClass().getSimpleName(), sent, System.nanoTime()));
            }
        }
    }

    private static String errorCode(String body) {
        try {
            return JSON.readTree(body).path("error").asText(body);
        } catch (Exception e) {
            return body;
        }
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    List<Outcome> outcomes(Predicate<Outcome> filter) {
        return outcomes.stream().filter(filter).toList();
    }

    long acked() {
        return outcomes.stream().filter(Outcome::acked).count();
    }

    /** Acknowledged requests answered after {@code nanos} (System.nanoTime). */
    long ackedAfter(long nanos) {
        return outcomes.stream().filter(o -> o.acked() && o.answeredNanos() > nanos).count();
    }

    Set<String> ackedIds() {
        return outcomes.stream().filter(Outcome::acked).map(Outcome::id).collect(Collectors.toSet());
    }

    Set<String> unackedIds() {
        return outcomes.stream().filter(o -> !o.acked()).map(Outcome::id).collect(Collectors.toSet());
    }

    /** The longest time between two consecutive acknowledgements: how long the ingress could not take a write. */
    Duration longestAckGap() {
        long[] answered = outcomes.stream().filter(Outcome::acked).mapToLong(Outcome::answeredNanos).sorted().toArray();
        long gap = 0;
        for (int i = 1; i < answered.length; i++) {
            gap = Math.max(gap, answered[i] - answered[i - 1]);
        }
        return Duration.ofNanos(gap);
    }

    /** Stops the clients and waits (bounded) for their last requests to be answered. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(90).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
