package io.kafkaflows.kafka.tx;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whether a fenced transactional producer may be replaced. A fencing is not always a zombie: the coordinator bumps
 * the epoch when it aborts a transaction that outlived {@code transaction.timeout.ms} (a long GC pause, a frozen
 * process), and the producer then sees {@code ProducerFencedException} although nobody else holds the id (Kafka
 * Streams treats it as "task migrated" and carries on). Another live producer with the same id fences again and again:
 * more than {@code maxFencings} within {@code windowMs} for one route means two holders, and the route must stop.
 */
final class ProducerFencingPolicy {

    private final int maxFencings;
    private final long windowMs;
    private final LongSupplier clockMs;
    private final Map<String, Deque<Long>> fencings = new ConcurrentHashMap<>();

    ProducerFencingPolicy(int maxFencings, long windowMs, LongSupplier clockMs) {
        this.maxFencings = maxFencings;
        this.windowMs = windowMs;
        this.clockMs = clockMs;
    }

    /** Records a fencing of the route's producer; true if it may be replaced, false once the budget is spent. */
    boolean replaceAfterFencing(String routeId) {
        long now = clockMs.getAsLong();
        Deque<Long> times = fencings.computeIfAbsent(routeId, id -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && now - times.peekFirst() >= windowMs) {
                times.pollFirst();
            }
            times.addLast(now);
            return times.size() <= maxFencings;
        }
    }

    String describe() {
        return "more than " + maxFencings + " times within " + (windowMs / 1000) + " s";
    }
}
