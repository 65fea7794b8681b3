package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.kafkaflows.queue.KafkaQueueHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The queue pairs (issue #19): the queue flow ({@code kafka-queue:}, a share group) against a plain
 * {@link KafkaShareConsumer} loop doing the same work, both with {@code consumers} consumers on one partition,
 * explicit acknowledgement (ACCEPT per record, commitSync per poll) and the flow's max-poll-records. The work is a
 * sleep of {@code workMs} per record (a slow handler: what a work queue is for) or none (the machinery's own cost).
 * Each run reads the same input through a fresh share group from the earliest offset; its rate runs from the first
 * record handled to the one that completes the input (each offset handled at least once).
 */
final class QueueBench {

    static final String SINK_BEAN = "benchQueueSink";

    private final String bootstrap;
    private final Admin admin;

    QueueBench(String bootstrap, Admin admin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** The records handled in one run: distinct offsets, the first one's time and the meter it started. */
    static final class Tally {
        private final long records;
        private final Set<Long> offsets = ConcurrentHashMap.newKeySet();
        private final AtomicReference<ResourceMeter> meter = new AtomicReference<>();
        private volatile long firstAt;
        private volatile long lastAt;

        Tally(long records) {
            this.records = records;
        }

        void handled(long offset, int workMs) throws InterruptedException {
            if (meter.get() == null && meter.compareAndSet(null, ResourceMeter.start())) {
                firstAt = System.nanoTime();
            }
            if (workMs > 0) {
                Thread.sleep(workMs); // the handler's work: a job that takes workMs
            }
            if (offset < records && offsets.add(offset) && offsets.size() == records) {
                lastAt = System.nanoTime();
            }
        }

        /** Waits (at most 10 minutes, while {@code alive}) until every offset below {@code records} was handled. */
        RunResult await(BooleanSupplier alive) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (lastAt == 0 && System.nanoTime() < deadline && alive.getAsBoolean()) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
            if (lastAt == 0) {
                throw new IllegalStateException(offsets.size() + " of " + records + " records handled");
            }
            return RunResult.of(records / ((lastAt - firstAt) / 1e9), meter.get().stop(records));
        }
    }

    /** The flow's sink: the same work and count as the plain loop's. */
    static final class Sink implements Processor {
        private volatile Tally tally;
        private volatile int workMs;

        @Override
        public void process(Exchange exchange) throws Exception {
            tally.handled(exchange.getMessage().getHeader(KafkaQueueHeaders.OFFSET, Long.class), workMs);
        }
    }

    /** A one-partition topic of {@code records} small JSON jobs. */
    String input(FlowBench flows, long records) throws Exception {
        String topic = BenchTopics.inputTopic(admin, 1);
        flows.fill(topic, records, i -> new ProducerRecord<>(topic, null,
                ("{\"job\":" + i + ",\"text\":\"a job for the queue\"}").getBytes(StandardCharsets.UTF_8)));
        return topic;
    }

    RunResult flow(String topic, long records, int consumers, int workMs) throws Exception {
        Properties props = BenchProperties.app(bootstrap);
        props.setProperty("flows.queue.enabled", "true");
        props.setProperty("flows.queue.topic", topic);
        props.setProperty("flows.queue.group-id", "bench-queue-" + System.nanoTime());
        props.setProperty("flows.queue.concurrency", String.valueOf(consumers));
        props.setProperty("flows.queue.sink", "bean:" + SINK_BEAN);
        Sink sink = new Sink();
        sink.workMs = workMs;
        sink.tally = new Tally(records);
        return FlowBench.withApp(props, Map.of(SINK_BEAN, sink), (main, alive) -> sink.tally.await(alive));
    }

    RunResult plainLoop(String topic, long records, int consumers, int workMs) throws Exception {
        String group = "bench-raw-queue-" + System.nanoTime();
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BenchProperties.flowDefault("flows.queue.max-poll-records"));
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit"); // as the flow: max.poll.records per poll
        Tally tally = new Tally(records);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Thread thread = new Thread(() -> {
                try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(props,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (running.get()) {
                        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(1000));
                        for (ConsumerRecord<byte[], byte[]> r : polled) {
                            if (!running.get()) {
                                break; // the run is over: closing the consumer releases the rest
                            }
                            tally.handled(r.offset(), workMs);
                            consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                        }
                        if (!polled.isEmpty() && running.get()) {
                            consumer.commitSync();
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-share-consumer-" + c);
            thread.start();
            threads.add(thread);
        }
        try {
            return tally.await(() -> failure.get() == null).withoutRss();
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
                if (thread.isAlive()) {
                    throw new IllegalStateException(thread.getName() + " still running 30 s after its run");
                }
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        }
    }
}
