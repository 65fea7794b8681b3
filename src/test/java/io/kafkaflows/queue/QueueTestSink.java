package io.kafkaflows.queue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.consumer.RequiredFieldsValidator;
import io.kafkaflows.deadletter.InvalidEventException;
import io.kafkaflows.json.Json;
import io.kafkaflows.json.JsonObjectProcessor;
import org.apache.camel.Exchange;

/**
 * The queue flow's sink in tests ({@code flows.queue.sink=class:io.kafkaflows.queue.QueueTestSink?method=take}):
 * takes {@code <test>:<n>[:<kind>]} bodies, kind {@code together} (held, at most 10 s, until a second consumer thread
 * of the same test is inside the sink too: it only goes on when two consumers work at once), {@code hold} (waits,
 * at most 60 s, until the test calls {@link #release}), {@code slow} (a job of 500 ms), {@code poison} (non-retryable failure),
 * {@code flaky} (fails its first delivery only) or {@code broken} (always fails, transiently); remembers per test what
 * it took and on which threads.
 */
public class QueueTestSink {

    static final Map<String, List<String>> TAKEN = new ConcurrentHashMap<>();
    static final Map<String, Set<String>> THREADS = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> TWO_THREADS = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> HELD = new ConcurrentHashMap<>();
    /** The ids of the JSON jobs {@link #parse} took, in order. */
    static final List<String> PARSED = new CopyOnWriteArrayList<>();
    private static final RequiredFieldsValidator NEEDS_ID = new RequiredFieldsValidator("id");
    private static final JsonObjectProcessor JSON_JOB = new JsonObjectProcessor() {
        @Override
        protected void transform(ObjectNode event) {
            NEEDS_ID.check(event);
        }
    };

    /**
     * A job sink that reads its body the way the consumer flow does (JSON object with an "id"; bad JSON, invalid
     * UTF-8, not an object or no id are non-retryable) ({@code ...sink=class:io.kafkaflows.queue.QueueTestSink?method=parse}).
     */
    public void parse(Exchange exchange) throws Exception {
        JSON_JOB.process(exchange);
        PARSED.add(Json.MAPPER.readTree(exchange.getMessage().getBody(byte[].class)).get("id").asText());
    }

    /** Lets the {@code hold} records of {@code test} go on. */
    static void release(String test) {
        HELD.computeIfAbsent(test, k -> new CountDownLatch(1)).countDown();
    }

    public void take(Exchange exchange) throws Exception {
        String body = new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
        String[] parts = body.split(":");
        String kind = parts.length > 2 ? parts[2] : "";
        int delivery = exchange.getMessage().getHeader(KafkaQueueHeaders.DELIVERY_COUNT, Integer.class);
        switch (kind) {
            case "together" -> {
                CountDownLatch both = TWO_THREADS.computeIfAbsent(parts[0], k -> new CountDownLatch(2));
                if (THREADS.computeIfAbsent(parts[0], k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName())) {
                    both.countDown();
                }
                if (!both.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no second consumer came within 10 s: " + body);
                }
            }
            case "hold" -> {
                if (!HELD.computeIfAbsent(parts[0], k -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held 60 s and not released: " + body);
                }
            }
            case "slow" -> Thread.sleep(500); // a job that takes 500 ms
            case "poison" -> throw new InvalidEventException("poison " + body);
            case "flaky" -> {
                if (delivery == 1) {
                    throw new IllegalStateException("flaky on its first delivery: " + body);
                }
            }
            case "broken" -> throw new IllegalStateException("broken: " + body);
            default -> {
            }
        }
        TAKEN.computeIfAbsent(parts[0], k -> new CopyOnWriteArrayList<>()).add(parts[1] + "@" + delivery);
        THREADS.computeIfAbsent(parts[0], k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
    }
}
