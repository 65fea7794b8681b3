package io.kafkaflows.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The plain kafka-clients baselines, run in the bench JVM: the consumer flow's work in a poll loop, and Kafka's EOS
 * pattern (a reference row of the exactly-once pair). Each measures its rate (and CPU) over the first
 * {@code records} input records, then, when asked, keeps running through the paced latency phase
 * ({@link LatencyProbe}).
 */
final class RawLoops {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String bootstrap;

    RawLoops(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    private interface Step {
        void process(ConsumerRecords<byte[], byte[]> polled) throws Exception;
    }

    /**
     * Kafka's own EOS pattern (ExactlyOnceMessageProcessor) with the flow's transform: read_committed consumer,
     * one transaction per poll of 100 records, outputs plus sendOffsetsToTransaction, commit.
     */
    RunResult eos(String input, String output, long records, boolean latency) throws Exception {
        String group = "bench-raw-eos-" + System.nanoTime();
        Properties c = consumerProps(group, 100);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties p = producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            return run(consumer, polled -> {
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    ObjectNode value = (ObjectNode) JSON.readTree(r.value());
                    value.put("processedAt", Instant.now().toString());
                    producer.send(new ProducerRecord<>(output, r.key(), JSON.writeValueAsBytes(value)));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }, records, input, latency ? () -> LatencyProbe.throughTopic(bootstrap, input, output) : null);
        }
    }

    /**
     * What a user would write instead of the consumer flow: a plain kafka-clients loop doing the flow's per-record
     * work (Jackson readTree, the identity handler, writeValueAsString, the no-op sink) with the flow's commit policy:
     * {@code maxPollRecords} per poll (the flow's default), one commitSync per poll. The paced latency phase, when
     * asked, goes through {@code sink} like the flow's.
     */
    RunResult consumer(String input, long records, int maxPollRecords, boolean latency) throws Exception {
        Properties c = consumerProps("bench-raw-consumer-" + System.nanoTime(), maxPollRecords);
        LatencyProbe.Sink sink = new LatencyProbe.Sink();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(input));
            return run(consumer, polled -> {
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    if (r.value() != null) {
                        JsonNode event = JSON.readTree(r.value());
                        sink.accept(JSON.writeValueAsString(handle(event)));
                    }
                }
                consumer.commitSync();
            }, records, input, latency ? () -> LatencyProbe.throughSink(bootstrap, input, sink) : null);
        }
    }

    /** The consumer flow's default handler (ConsumerEventHandler): the event unchanged. */
    private static JsonNode handle(JsonNode event) {
        return event;
    }

    /**
     * Polls and runs {@code step} on its own thread; the rate over the first {@code records} (the rest of the input
     * stays unread unless a latency phase follows), then the paced phase, if any, while the loop keeps running.
     */
    private RunResult run(KafkaConsumer<byte[], byte[]> consumer, Step step, long records, String input,
                          FlowBench.LatencyPhase latency) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicReference<RunResult> measured = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            try {
                long seen = 0;
                long start = 0;
                ResourceMeter meter = null;
                while (!stop.get()) {
                    ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
                    if (polled.isEmpty()) {
                        continue;
                    }
                    if (start == 0) {
                        start = System.nanoTime();
                        meter = ResourceMeter.start();
                    }
                    step.process(polled);
                    seen += polled.count();
                    if (seen >= records && measured.get() == null) {
                        double rate = records / ((System.nanoTime() - start) / 1e9);
                        measured.set(RunResult.of(rate, meter.stop(records)).withoutRss());
                        done.countDown();
                        if (latency == null) {
                            return;
                        }
                    }
                }
            } catch (Exception e) {
                failure.set(e);
                done.countDown();
            }
        }, "bench-raw-loop");
        loop.start();
        try {
            if (!done.await(10, TimeUnit.MINUTES) || failure.get() != null) {
                throw new IllegalStateException("raw loop on " + input + " failed or did not finish", failure.get());
            }
            RunResult result = measured.get();
            return latency == null ? result : result.withLatency(latency.run());
        } finally {
            stop.set(true);
            loop.join(60_000);
            if (failure.get() != null) {
                throw new IllegalStateException("raw loop on " + input + " failed", failure.get());
            }
        }
    }

    private Properties consumerProps(String group, int maxPollRecords) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return c;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        return p;
    }
}
