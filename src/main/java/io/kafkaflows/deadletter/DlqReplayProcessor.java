package io.kafkaflows.deadletter;

import io.kafkaflows.json.Json;
import io.kafkaflows.Meters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.http.HttpProblemException;
import io.kafkaflows.kafka.KafkaClientProperties;
import io.kafkaflows.kafka.KafkaClients;
import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays dead-letter records: scans the dead-letter topic as it is at the time of the call, takes the records the
 * {@link ReplayFilter} (the exchange body, JSON) matches, and re-publishes each to its source topic (or the filter's
 * target) with its original key, value and headers plus {@code dlq.replay.count} incremented, at most
 * {@code flows.replay.max-per-second}. A record already replayed {@code flows.replay.max-attempts} times goes to
 * {@code flows.replay.parking-topic} instead: no endless loops. Answers {@code {"scanned","matched","replayed","parked"}}.
 * Each call replays every match again: narrow it with {@code from}/{@code to}.
 */
public final class DlqReplayProcessor extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(DlqReplayProcessor.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(5);

    private CamelContext camelContext;
    private String dlqTopic = "dead-letter";
    private String parkingTopic = "dead-letter-parked";
    private int maxAttempts = 3;
    private double maxPerSecond = 100;
    private volatile Producer<byte[], byte[]> producer;

    public void setDlqTopic(String dlqTopic) {
        this.dlqTopic = dlqTopic;
    }

    public void setParkingTopic(String parkingTopic) {
        this.parkingTopic = parkingTopic;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public void setMaxPerSecond(double maxPerSecond) {
        this.maxPerSecond = maxPerSecond;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        byte[] body = exchange.getIn().getBody(byte[].class);
        ReplayFilter filter;
        try {
            filter = body == null || body.length == 0 ? new ReplayFilter(null, null, null, null, null, null, false)
                    : JSON.readValue(body, ReplayFilter.class);
        } catch (HttpProblemException e) {
            throw e;
        } catch (Exception e) {
            throw HttpProblemException.badRequest("invalid replay filter: " + e.getMessage());
        }
        Map<String, Object> result = replay(filter);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(JSON.writeValueAsBytes(result));
    }

    /** A replay with the filter of {@code flows.replay.filter.*} (source-topic, exception-class, from, to, target-topic). */
    public Map<String, Object> replayConfigured() throws Exception {
        return replay(new ReplayFilter(null, property("source-topic"), property("exception-class"), property("from"),
                property("to"), property("target-topic"), false));
    }

    private String property(String name) {
        return camelContext.getPropertiesComponent().resolveProperty("flows.replay.filter." + name)
                .filter(v -> !v.isBlank()).orElse(null);
    }

    /** One replay run over the dead-letter topic; returns the counts. */
    public synchronized Map<String, Object> replay(ReplayFilter filter) throws Exception {
        String topic = filter.dlqTopic() != null ? filter.dlqTopic() : dlqTopic;
        int scanned = 0;
        int matched = 0;
        int replayed = 0;
        int parked = 0;
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        long pace = (long) (1_000_000_000L / maxPerSecond);
        long nextSend = System.nanoTime();
        try (Consumer<byte[], byte[]> consumer = KafkaClients.consumer(camelContext, consumerProperties())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekToStart(consumer, partitions, filter);
            long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    scanned++;
                    String source = header(record, DeadLetterHeaders.SOURCE_TOPIC);
                    if (!filter.matches(source, header(record, DeadLetterHeaders.EXCEPTION_CLASS), record.timestamp())) {
                        continue;
                    }
                    matched++;
                    if (filter.dryRun()) {
                        continue;
                    }
                    long now = System.nanoTime();
                    if (now < nextSend) {
                        LockSupport.parkNanos(nextSend - now);
                    }
                    nextSend = Math.max(now, nextSend) + pace;
                    int count = parseInt(header(record, DeadLetterHeaders.REPLAY_COUNT)) + 1;
                    if (count > maxAttempts) {
                        sends.add(producer().send(new ProducerRecord<>(parkingTopic, null, record.key(), record.value(), record.headers())));
                        parked++;
                    } else {
                        String target = filter.targetTopic() != null ? filter.targetTopic() : source;
                        List<Header> headers = replayHeaders(record, count);
                        Span span = RecordTracing.startSend(camelContext, "replay", target, headers, true);
                        sends.add(producer().send(new ProducerRecord<>(target, null, record.key(), record.value(), headers),
                                (metadata, failure) -> RecordTracing.end(span, failure)));
                        replayed++;
                    }
                }
            }
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(60, TimeUnit.SECONDS);
        }
        MeterRegistry meters = Meters.registry(camelContext);
        meters.counter("kafkaflows.dlq.replayed").increment(replayed);
        meters.counter("kafkaflows.dlq.parked").increment(parked);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dlqTopic", topic);
        result.put("scanned", scanned);
        result.put("matched", matched);
        result.put("replayed", replayed);
        result.put("parked", parked);
        result.put("dryRun", filter.dryRun());
        LOG.info("DLQ replay from {}: {}", topic, result);
        return result;
    }

    private static void seekToStart(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, ReplayFilter filter) {
        consumer.seekToBeginning(partitions);
        Long from = filter.fromMillis();
        if (from == null) {
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, from));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            consumer.seek(tp, at != null ? at.offset() : ends.get(tp));
        }
    }

    private static boolean reached(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<Header> replayHeaders(ConsumerRecord<byte[], byte[]> record, int count) {
        List<Header> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            if (!h.key().startsWith("dlq.")) {
                headers.add(h);
            }
        }
        headers.add(new RecordHeader(DeadLetterHeaders.REPLAY_COUNT, String.valueOf(count).getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Properties consumerProperties() {
        return KafkaClientProperties.committedBytesReader(camelContext, "kafka-flows-dlq-replay");
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = KafkaRecords.bytesProducer(camelContext, Map.of(ProducerConfig.CLIENT_ID_CONFIG, "kafka-flows-dlq-replay"));
        }
        return producer;
    }

    @Override
    protected void doStop() {
        Producer<byte[], byte[]> current = producer;
        producer = null;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
