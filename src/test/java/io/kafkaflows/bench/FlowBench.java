package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The flow side of the producer, consumer and exactly-once pairs, each returning its {@link RunResult}, and the
 * committed-offset measurement the app flows share with Kafka Streams ({@link #untilCommitted}).
 */
final class FlowBench {

    private final String bootstrap;
    private final Admin admin;
    private final LatencyProbe.Sink sink = new LatencyProbe.Sink();

    FlowBench(String bootstrap, Admin admin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** A Camel route from an in-process source to kafka: with the app's producer settings; async, bounded in flight. */
    RunResult producerRoute(String topic, long records, int size) throws Exception {
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
            LatencyProbe.Recorder latency = new LatencyProbe.Recorder((int) records);
            ResourceMeter.resetPeakRss();
            ResourceMeter meter = ResourceMeter.start();
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                inFlight.acquire();
                long sent = System.nanoTime();
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
                    latency.record(System.nanoTime() - sent);
                    inFlight.release();
                });
            }
            inFlight.acquire(20_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            ResourceMeter.Usage usage = meter.stop(records);
            if (failure.get() != null) {
                throw failure.get();
            }
            return RunResult.of(records / seconds, usage).withLatency(latency.percentiles());
        }
    }

    /**
     * The app's consumer flow at its defaults (JSON parse, validation, handler, sink, commit per poll) with a sink
     * that does nothing (unless the paced latency phase armed it).
     */
    RunResult consumerFlow(String topic, long records, boolean latency) throws Exception {
        return consumerFlow(topic, records, latency, null, 0);
    }

    /** The consumer flow as above; with an OTLP endpoint, traced (the sampled fraction of traces exported there). */
    RunResult consumerFlow(String topic, long records, boolean latency, String otlpEndpoint, double sampled) throws Exception {
        Properties props = BenchProperties.app(bootstrap);
        if (otlpEndpoint != null) {
            props.setProperty("camel.opentelemetry2.enabled", "true");
            props.setProperty("otel.exporter.otlp.endpoint", otlpEndpoint);
            props.setProperty("otel.traces.sampler", "parentbased_traceidratio");
            props.setProperty("otel.traces.sampler.arg", String.valueOf(sampled));
        }
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.sink", "bean:" + LatencyProbe.SINK_BEAN);
        // the plain loop copies this default: both sides must poll the same number of records
        String maxPollRecords = "flows.consumer.max-poll-records";
        return runApp(props, props.getProperty("flows.consumer.group-id"), topic, records,
                latency ? () -> LatencyProbe.throughSink(bootstrap, topic, sink) : null,
                Map.of(maxPollRecords, BenchProperties.flowDefault(maxPollRecords)));
    }

    /**
     * The consumer flow in batch-sink mode (flows.consumer.batch and batch-sink true): one exchange per poll of
     * {@code batchSize} records, the sink gets each poll as one JSON array.
     */
    RunResult consumerBatchSinkFlow(String topic, long records, boolean latency, int batchSize) throws Exception {
        Properties props = BenchProperties.app(bootstrap);
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.sink", "bean:" + LatencyProbe.SINK_BEAN);
        props.setProperty("flows.consumer.batch", "true");
        props.setProperty("flows.consumer.batch-sink", "true");
        props.setProperty("flows.consumer.batch-size", String.valueOf(batchSize));
        return runApp(props, props.getProperty("flows.consumer.group-id"), topic, records,
                latency ? () -> LatencyProbe.throughSink(bootstrap, topic, sink) : null);
    }

    /** The app's exactly-once flow at its defaults on JSON input. */
    RunResult exactlyOnceFlow(String input, String output, long records, boolean latency) throws Exception {
        Properties props = BenchProperties.app(bootstrap);
        props.setProperty("flows.eos.input-topic", input);
        props.setProperty("flows.eos.output-topic", output);
        return runApp(props, props.getProperty("flows.eos.group-id"), input, records,
                latency ? () -> LatencyProbe.throughTopic(bootstrap, input, output) : null);
    }

    /** The paced latency phase run while the app is still up, after the measured part; {p50, p99} in ms. */
    interface LatencyPhase {
        double[] run() throws Exception;
    }

    /**
     * Runs the app until the group committed every record; the rate (and CPU, GC) from the first to the last commit
     * seen; the peak RSS from the app's start (after a full GC) to the last commit; then the latency phase, if any.
     */
    RunResult runApp(Properties props, String group, String topic, long records, LatencyPhase latency) throws Exception {
        return runApp(props, group, topic, records, latency, Map.of());
    }

    /** {@link #runApp} that first checks the started app resolved each of {@code expected} to the given value. */
    RunResult runApp(Properties props, String group, String topic, long records, LatencyPhase latency,
                     Map<String, String> expected) throws Exception {
        return withApp(props, Map.of(LatencyProbe.SINK_BEAN, sink), (main, alive) -> {
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String actual = main.getCamelContext().resolvePropertyPlaceholders("{{" + e.getKey() + "}}");
                if (!e.getValue().equals(actual.strip())) {
                    throw new IllegalStateException("the app runs with " + e.getKey() + "=" + actual + ", its baseline with "
                            + e.getValue() + ": the pair would not compare like with like");
                }
            }
            return untilCommitted(group, topic, records, latency, alive);
        });
    }

    /** What is measured while the app runs ({@code alive} turns false if it stops). */
    interface Measurement {
        RunResult measure(Main main, java.util.function.BooleanSupplier alive) throws Exception;
    }

    /** Starts the app in this JVM with {@code beans} bound, measures once it started, stops it. */
    static RunResult withApp(Properties props, Map<String, Object> beans, Measurement measurement) throws Exception {
        ResourceMeter.resetPeakRss();
        Main main = KafkaFlowsApplication.create(props);
        beans.forEach(main::bind);
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
            return measurement.measure(main, thread::isAlive);
        } finally {
            main.completed();
            thread.join(60_000);
        }
    }

    /**
     * Polls the group's committed offsets on {@code topic} every 20 ms while {@code running}, at most 10 minutes:
     * the rate (and CPU, GC, peak RSS) from the first commit seen to the one covering {@code records}; then the
     * latency phase, if any, once the whole input is committed.
     */
    RunResult untilCommitted(String group, String topic, long records, LatencyPhase latency,
                             java.util.function.BooleanSupplier running) throws Exception {
        long firstSeen = -1;
        long firstAt = 0;
        ResourceMeter meter = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline && running.getAsBoolean()) {
            long committed = committed(group, topic);
            long now = System.nanoTime();
            if (firstSeen < 0 && committed > 0) {
                firstSeen = committed;
                firstAt = now;
                meter = ResourceMeter.start();
            }
            if (committed >= records) {
                RunResult result = RunResult.of((records - firstSeen) / ((now - firstAt) / 1e9), meter.stop(records - firstSeen));
                return latency == null ? result : result.withLatency(caughtUp(group, topic, deadline, latency));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // polling interval of the measurement
        }
        throw new IllegalStateException("group " + group + " did not finish " + topic);
    }

    /** Waits until the group committed the whole input (paced records of an earlier run included), then the phase. */
    private double[] caughtUp(String group, String topic, long deadline, LatencyPhase latency) throws Exception {
        long end = BenchTopics.endOffsets(admin, topic);
        while (committed(group, topic) < end && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return latency.run();
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
}
