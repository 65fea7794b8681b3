package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end latency of a flow that is already running and caught up: a paced phase of {@link #RATE} records/s
 * ({@code -Dbench.latency-rate}, default 1,000) for
 * {@link #seconds} s written to the input topic, each JSON value stamped with {@code "sentAt"} (System.nanoTime()
 * of the bench JVM, just before send; the producer has linger.ms=0, acks=all). The latency of a record is the time
 * the sink saw it ({@link Sink}) or an independent read_committed consumer of the output topic polled it, minus the
 * stamp; stamps older than the phase (paced records of an earlier run on the same input) are not counted, and the
 * app flows start the phase only once their group has committed the whole input. Everything runs in the bench JVM,
 * so the clocks agree.
 */
final class LatencyProbe {

    /** Paced records per second: below every flow's capacity on the bench machine, else it measures a queue. */
    static final int RATE = Integer.getInteger("bench.latency-rate", 1_000);
    static final String SINK_BEAN = "benchLatencySink";
    /** Length of the paced phase; set by BenchMain from the scale (10 s at scale 1.0). */
    static double seconds = 10;

    private LatencyProbe() {
    }

    /** Latencies in nanoseconds; thread-safe; p50/p99 in ms. */
    static final class Recorder {
        private final long[] nanos;
        private final AtomicInteger count = new AtomicInteger();
        private final boolean verbose;

        Recorder(int capacity) {
            this(capacity, false);
        }

        /** verbose: prints p50, p90, p99 and max when the percentiles are taken (the paced phases). */
        Recorder(int capacity, boolean verbose) {
            nanos = new long[capacity];
            this.verbose = verbose;
        }

        void record(long latencyNanos) {
            int i = count.getAndIncrement();
            if (i < nanos.length) {
                nanos[i] = latencyNanos;
            }
        }

        int count() {
            return Math.min(count.get(), nanos.length);
        }

        /** {p50, p99} in ms (nearest rank), or null without samples. */
        double[] percentiles() {
            long[] sorted = Arrays.copyOf(nanos, count());
            if (verbose && sorted.length >= 10) {
                // in arrival order: a stall at the start of the phase shows as a high first tenth
                long[] firstTenth = Arrays.copyOf(sorted, sorted.length / 10);
                Arrays.sort(firstTenth);
                System.out.printf("  latency: first record %.2f ms, first tenth max %.2f ms%n", sorted[0] / 1e6,
                        firstTenth[firstTenth.length - 1] / 1e6);
            }
            if (sorted.length == 0) {
                return null;
            }
            Arrays.sort(sorted);
            if (verbose) {
                System.out.printf("  latency: %d samples, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", sorted.length,
                        ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 1.0));
            }
            return new double[] {ms(sorted, 0.50), ms(sorted, 0.99)};
        }

        private static double ms(long[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length) - 1;
            return Math.round(sorted[Math.max(0, rank)] / 1e4) / 100.0;
        }
    }

    /**
     * The no-op sink of the consumer flow ({@code flows.consumer.sink=bean:benchLatencySink}) and of the plain
     * consumer loop ({@link #accept}): does nothing unless armed.
     */
    static final class Sink implements Processor {
        private volatile Recorder armed;
        private volatile long phaseStart;

        @Override
        public void process(Exchange exchange) {
            if (armed != null) {
                String body = exchange.getIn().getBody(String.class);
                if (body.startsWith("[")) {
                    // the consumer flow's batch-sink mode: one JSON array per poll
                    try {
                        io.kafkaflows.json.Json.MAPPER.readTree(body).forEach(event -> accept(event.toString()));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    accept(body);
                }
            }
        }

        void accept(String json) {
            Recorder recorder = armed;
            if (recorder != null) {
                long sent = sentAt(json);
                if (sent - phaseStart >= 0) {
                    recorder.record(System.nanoTime() - sent);
                }
            }
        }
    }

    /** Paced phase into {@code input}, latency as seen by the consumer flow's sink. */
    static double[] throughSink(String bootstrap, String input, Sink sink) throws Exception {
        Recorder recorder = new Recorder(expected(), true);
        sink.phaseStart = System.nanoTime();
        sink.armed = recorder;
        try {
            long sent = pace(bootstrap, input);
            awaitCount(recorder, sent);
            return recorder.percentiles();
        } finally {
            sink.armed = null;
        }
    }

    /** Paced phase into {@code input}, latency as seen by a read_committed consumer of {@code output}. */
    static double[] throughTopic(String bootstrap, String input, String output) throws Exception {
        Recorder recorder = new Recorder(expected(), true);
        long phaseStart = System.nanoTime();
        CountDownLatch positioned = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicReference<Boolean> stop = new AtomicReference<>(false);
        Thread reader = new Thread(() -> {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(output).forEach(p -> partitions.add(new TopicPartition(output, p.partition())));
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        long sent = r.value() == null ? 0 : sentAt(new String(r.value(), StandardCharsets.UTF_8));
                        if (sent != 0 && sent - phaseStart >= 0) {
                            recorder.record(now - sent);
                        }
                    }
                }
            } catch (Exception e) {
                failure.set(e);
                positioned.countDown();
            }
        }, "bench-latency-reader");
        reader.start();
        try {
            if (!positioned.await(60, TimeUnit.SECONDS) || failure.get() != null) {
                throw new IllegalStateException("latency reader of " + output + " did not start", failure.get());
            }
            long sent = pace(bootstrap, input);
            awaitCount(recorder, sent);
            return recorder.percentiles();
        } finally {
            stop.set(true);
            reader.join(10_000);
        }
    }

    private static int expected() {
        return (int) Math.ceil(RATE * seconds) + 1;
    }

    /** Waits until every paced record was seen, at most 60 s; fewer samples are reported as they are. */
    private static void awaitCount(Recorder recorder, long sent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (recorder.count() < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        if (recorder.count() < sent) {
            System.out.printf("  latency: only %d of %d paced records seen within 60 s%n", recorder.count(), sent);
        }
    }

    /** Writes RATE records/s for {@link #seconds} s, each stamped just before its send; returns how many. */
    static long pace(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        long total = expected() - 1;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (long i = 0; i < total; i++) {
                long due = start + i * 1_000_000_000L / RATE;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                String value = "{\"seq\":" + i + ",\"sentAt\":" + System.nanoTime() + ",\"text\":\"paced bench record\"}";
                producer.send(new ProducerRecord<>(topic, ("k" + (i % 100)).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)), (m, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return total;
    }

    /** The "sentAt" number of a JSON text, 0 if absent (a fast scan: the values are the bench's own). */
    static long sentAt(String json) {
        int at = json == null ? -1 : json.indexOf("\"sentAt\":");
        if (at < 0) {
            return 0;
        }
        int i = at + 9;
        while (i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        long value = 0;
        boolean negative = i < json.length() && json.charAt(i) == '-';
        for (i = negative ? i + 1 : i; i < json.length() && Character.isDigit(json.charAt(i)); i++) {
            value = value * 10 + (json.charAt(i) - '0');
        }
        return negative ? -value : value;
    }
}
