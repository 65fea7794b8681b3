package io.kafkaflows.guarantees;

import java.util.function.LongSupplier;

/**
 * Samples a cell's committed progress every 100 ms on its own thread and keeps the longest time it stood still
 * between the first committed offset and the last one (a failing sample, e.g. while the broker is down, counts as
 * standing still): the cell's stall seconds.
 */
final class ProgressWatch implements Runnable {

    private final LongSupplier progress;
    private final long total;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long longestNanos;

    private ProgressWatch(LongSupplier progress, long total) {
        this.progress = progress;
        this.total = total;
        this.thread = new Thread(this, "guarantees-progress-watch");
        thread.setDaemon(true);
    }

    static ProgressWatch start(LongSupplier progress, long total) {
        ProgressWatch watch = new ProgressWatch(progress, total);
        watch.thread.start();
        return watch;
    }

    @Override
    public void run() {
        long last = 0;
        long since = 0;
        while (running) {
            long value = sample(last);
            // after the sample: a sample blocked while the broker is down is part of the stall
            long now = System.nanoTime();
            if (last > 0 && last < total) {
                longestNanos = Math.max(longestNanos, now - since);
            }
            if (value > last) {
                last = value;
                since = now;
            }
            if (last >= total) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private long sample(long previous) {
        try {
            return progress.getAsLong();
        } catch (RuntimeException e) {
            return previous;
        }
    }

    /** Stops sampling; the longest stall in seconds, one decimal. */
    double stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.round(longestNanos / 1e8) / 10.0;
    }
}
