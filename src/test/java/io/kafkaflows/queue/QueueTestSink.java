package io.kafkaflows.queue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kafkaflows.deadletter.InvalidEventException;
import org.apache.camel.Exchange;

/**
 * The queue flow's sink in tests ({@code flows.queue.sink=class:io.kafkaflows.queue.QueueTestSink?method=take}):
 * takes {@code <test>:<n>[:<kind>]} bodies, kind {@code slow} (50 ms), {@code poison} (non-retryable failure),
 * {@code flaky} (fails its first delivery only) or {@code broken} (always fails, transiently); remembers per test what
 * it took and on which threads.
 */
public class QueueTestSink {

    static final Map<String, List<String>> TAKEN = new ConcurrentHashMap<>();
    static final Map<String, Set<String>> THREADS = new ConcurrentHashMap<>();

    public void take(Exchange exchange) throws Exception {
        String body = new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
        String[] parts = body.split(":");
        String kind = parts.length > 2 ? parts[2] : "";
        int delivery = exchange.getMessage().getHeader(KafkaQueueHeaders.DELIVERY_COUNT, Integer.class);
        switch (kind) {
            case "slow" -> Thread.sleep(50);
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
