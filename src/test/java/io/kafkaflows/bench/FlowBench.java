package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.KafkaFlowsApplication;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.kafka.clients.admin.Admin;
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

/** The flow side of each bench pair (and the raw EOS loop baseline), each returning records per second. */
final class FlowBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String bootstrap;
    private final Admin admin;

    FlowBench(String bootstrap, Admin admin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** A Camel route from an in-process source to kafka: with the app's producer settings; async, bounded in flight. */
    double producerRoute(String topic, long records, int size) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            KafkaComponent kafka = new KafkaComponent();
            kafka.getConfiguration().setBrokers(bootstrap);
            kafka.getConfiguration().setRequestRequiredAcks("all");
            kafka.getConfiguration().setEnableIdempotence(true);
            kafka.getConfiguration().setCompressionCodec("lz4");
            kafka.getConfiguration().setLingerMs(10);
            kafka.getConfiguration().setProducerBatchSize(65536);
            kafka.getConfiguration().setValueSerializer(ByteArraySerializer.class.getName());
            kafka.getConfiguration().setKeySerializer(ByteArraySerializer.class.getName());
            context.addComponent("kafka", kafka);
            // a lambda, not a RouteBuilder class: the app's package scan must not pick the bench route up
            RouteBuilder.addRoutes(context, routes -> routes.from("direct:bench-producer").routeId("bench-producer")
                    .to("kafka:" + topic));
            context.start();
            Endpoint from = context.getEndpoint("direct:bench-producer");
            AsyncProcessor route = AsyncProcessorConverterHelper.convert(context.getRoute("bench-producer").getConsumer().getProcessor());
            // like ProducerPerformance: a fresh random upper-case payload per record (one payload repeated would let
            // lz4 compress whole batches away and flatter the flow)
            java.util.Random random = new java.util.Random(1);
            Semaphore inFlight = new Semaphore(20_000);
            AtomicReference<Exception> failure = new AtomicReference<>();
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                inFlight.acquire();
                Exchange exchange = from.createExchange();
                byte[] value = new byte[size];
                for (int b = 0; b < size; b++) {
                    value[b] = (byte) ('A' + random.nextInt(26));
                }
                exchange.getIn().setBody(value);
                route.process(exchange, doneSync -> {
                    if (exchange.getException() != null) {
                        failure.compareAndSet(null, exchange.getException());
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(20_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw failure.get();
            }
            return records / seconds;
        }
    }

    /** The app's consumer flow (JSON parse, handler, sink, commit per poll) with a sink that does nothing. */
    double consumerFlow(String topic, long records) throws Exception {
        Properties props = BenchMain.appProperties(bootstrap);
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.sink", "log:bench?level=OFF");
        props.setProperty("flows.consumer.max-poll-records", "500");
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "20");
        return runApp(props, props.getProperty("flows.consumer.group-id"), topic, records);
    }

    /** The app's exactly-once flow on JSON input. */
    double exactlyOnceFlow(String input, String output, long records) throws Exception {
        Properties props = BenchMain.appProperties(bootstrap);
        props.setProperty("flows.eos.input-topic", input);
        props.setProperty("flows.eos.output-topic", output);
        return runApp(props, props.getProperty("flows.eos.group-id"), input, records);
    }

    /** Runs the app until the group committed every record; the rate from the first to the last commit seen. */
    double runApp(Properties props, String group, String topic, long records) throws Exception {
        Main main = KafkaFlowsApplication.create(props);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                started.countDown();
            }
        });
        Thread thread = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "bench-app");
        thread.start();
        try {
            if (!started.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the app did not start (see its log above)");
            }
            long firstSeen = -1;
            long firstAt = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline && thread.isAlive()) {
                long committed = committed(group, topic);
                long now = System.nanoTime();
                if (firstSeen < 0 && committed > 0) {
                    firstSeen = committed;
                    firstAt = now;
                }
                if (committed >= records) {
                    return (records - firstSeen) / ((now - firstAt) / 1e9);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // polling interval of the measurement
            }
            throw new IllegalStateException("group " + group + " did not finish");
        } finally {
            main.completed();
            thread.join(60_000);
        }
    }

    long committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    void fillJson(String topic, long records) throws Exception {
        fill(topic, records, i -> new ProducerRecord<>(topic, ("k" + (i % 100)).getBytes(StandardCharsets.UTF_8),
                ("{\"seq\":" + i + ",\"text\":\"bench record padding to about a hundred bytes .......\"}").getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code records} records made by {@code record} (from the index), checking every send. */
    void fill(String topic, long records, java.util.function.LongFunction<ProducerRecord<byte[], byte[]>> record) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // seen here: batches racing a fresh partition's leadership fail with OUT_OF_ORDER_SEQUENCE_NUMBER; one
        // request in flight avoids it, and every send is checked so the input is complete
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                producer.send(record.apply(i), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling " + topic + " failed", failure.get());
        }
    }

    /**
     * Kafka's own EOS pattern (ExactlyOnceMessageProcessor) with the flow's transform: read_committed consumer,
     * one transaction per poll of 100 records, outputs plus sendOffsetsToTransaction, commit.
     */
    double rawEosLoop(String input, String output, long records) throws Exception {
        String group = "bench-raw-eos-" + System.nanoTime();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            long done = 0;
            long start = 0;
            while (done < records) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
                if (polled.isEmpty()) {
                    continue;
                }
                if (start == 0) {
                    start = System.nanoTime();
                }
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
                done += polled.count();
            }
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }
}
