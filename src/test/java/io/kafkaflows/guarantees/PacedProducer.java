package io.kafkaflows.guarantees;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes a cell's input while the cell runs, in order, spread evenly over {@code span} (a chunk every 100 ms, each
 * acknowledged before the next), so every fault lands mid-stream however fast the flow is. The test producer is
 * idempotent and retries across a broker restart.
 */
final class PacedProducer {

    private final CompletableFuture<List<RecordMetadata>> written;

    private PacedProducer(CompletableFuture<List<RecordMetadata>> written) {
        this.written = written;
    }

    static PacedProducer start(TestKafka kafka, List<ProducerRecord<byte[], byte[]>> records, Duration span) {
        CompletableFuture<List<RecordMetadata>> written = CompletableFuture.supplyAsync(() -> {
            int chunks = (int) Math.max(1, span.toMillis() / 100);
            int chunk = Math.max(1, (records.size() + chunks - 1) / chunks);
            long started = System.nanoTime();
            List<RecordMetadata> out = new ArrayList<>(records.size());
            for (int from = 0, n = 0; from < records.size(); from += chunk, n++) {
                out.addAll(kafka.produce(records.subList(from, Math.min(records.size(), from + chunk))));
                long due = started + TimeUnit.MILLISECONDS.toNanos(100L * (n + 1));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
            }
            return out;
        }, ownThread("guarantees-input"));
        return new PacedProducer(written);
    }

    /**
     * Runs a task on a daemon thread of its own: the common pool has one thread on a 2-core machine, and a cell's
     * blocking tasks must not queue behind each other there.
     */
    static Executor ownThread(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }

    /** Whether writing the input failed (a write not acknowledged in time): the cell cannot finish. */
    boolean failed() {
        return written.isCompletedExceptionally();
    }

    /** Every input record's metadata, once all are acknowledged (bounded wait). */
    List<RecordMetadata> await(Duration timeout) {
        try {
            return written.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the cell's input was not written within " + timeout, e);
        }
    }
}
