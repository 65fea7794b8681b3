package io.kafkaflows.guarantees;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples a cell's committed progress every 100 ms (a scheduled task on its own thread) and keeps the longest time
 * it stood still between the first committed offset and the last one (a failing sample, e.g. while the broker is
 * down, counts as standing still): the cell's stall seconds.
 */
final class ProgressWatch {

    private final LongSupplier progress;
    private final long total;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "guarantees-progress-watch");
        t.setDaemon(true);
        return t;
    });
    private long last;
    private long since;
    private volatile long longestNanos;

    private ProgressWatch(LongSupplier progress, long total) {
        this.progress = progress;
        this.total = total;
    }

    static ProgressWatch start(LongSupplier progress, long total) {
        ProgressWatch watch = new ProgressWatch(progress, total);
        // fixed delay: a sample blocked while the broker is down delays the next one and is part of the stall
        watch.sampler.scheduleWithFixedDelay(watch::sample, 0, 100, TimeUnit.MILLISECONDS);
        return watch;
    }

    private void sample() {
        if (last >= total) {
            return;
        }
        long value = last;
        try {
            value = progress.getAsLong();
        } catch (RuntimeException e) {
            // counts as standing still
        }
        long now = System.nanoTime();
        if (last > 0) {
            longestNanos = Math.max(longestNanos, now - since);
        }
        if (value > last) {
            last = value;
            since = now;
        }
    }

    /** Stops sampling; the longest stall in seconds, one decimal. */
    double stop() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.round(longestNanos / 1e8) / 10.0;
    }
}
