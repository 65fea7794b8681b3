package io.kafkaflows.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.kafkaflows.testsupport.CollectedSpans;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.window.WindowAggregate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twenty records of one key, each in a trace of its own, fall into one tumbling window; a record of another key,
 * in a further trace, closes it. The window's result record continues one of those traces (Camel's send span on
 * the aggregated exchange), and the app exports a {@code window result} span below that send, linked to the
 * consume spans of the first sixteen records (the bound), one link per record trace. Spans are collected in-process (Zipkin does not show links).
 */
class WindowResultTracingTest extends KafkaTestSupport {

    private static final long BASE = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 1000 * 1000;

    private static String traceId(int i) {
        return String.format("%016x%016x", System.nanoTime(), 0xabc00L + i);
    }

    private static ProducerRecord<byte[], byte[]> traced(String topic, long timestamp, String key, String value, String traceId) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, timestamp, bytes(key), bytes(value));
        record.headers().add(new RecordHeader("traceparent",
                ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    @Test
    void aWindowResultLinksToTheTracesOfTheRecordsItAggregates() throws Exception {
        String service = unique("traced-window-app");
        Properties props = appProperties();
        props.setProperty("camel.opentelemetry2.enabled", "true");
        props.setProperty("otel.service.name", service);
        props.setProperty("otel.traces.exporter", "collect");
        props.setProperty("otel.bsp.schedule.delay", "100");
        tumblingOneSecondWindows(props);
        String input = props.getProperty("flows.window.input-topic");
        String output = props.getProperty("flows.window.output-topic");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Set<String> recordTraces = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String traceId = traceId(i);
            records.add(traced(input, BASE + i * 10L, "k", "{\"value\":" + i + "}", traceId));
            recordTraces.add(traceId);
        }
        String closing = traceId(99);
        records.add(traced(input, BASE + 5_000, "other", "{\"value\":1}", closing));
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            ConsumerRecord<byte[], byte[]> result = readAll(output, "read_committed", 1, Duration.ofSeconds(60)).get(0);
            assertTrue(text(result.value()).contains("\"count\":20"), text(result.value()));
            String[] carried = text(result.headers().lastHeader("traceparent").value()).split("-");

            SpanData span = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> CollectedSpans.of(service).stream().filter(s -> s.getName().equals("window result")).findFirst(),
                            found -> found.isPresent()).orElseThrow();
            assertEquals(carried[1], span.getTraceId(), "the window result span is in the trace the result record carries");
            assertEquals(carried[2], span.getParentSpanId(), "below the span that sent the result");
            assertTrue(recordTraces.contains(span.getTraceId()) || closing.equals(span.getTraceId()),
                    "the result continues one of its input records' traces: " + span);
            assertEquals("k", span.getAttributes().get(AttributeKey.stringKey("kafkaflows.window.key")));
            assertEquals(20L, span.getAttributes().get(AttributeKey.longKey("kafkaflows.window.count")));
            List<LinkData> links = span.getLinks();
            assertEquals(WindowAggregate.MAX_TRACES, links.size(), "links are bounded: " + links);
            Set<String> linkedTraces = new HashSet<>();
            links.forEach(l -> linkedTraces.add(l.getSpanContext().getTraceId()));
            assertEquals(links.size(), linkedTraces.size(), "one link per record trace: " + links);
            assertTrue(recordTraces.containsAll(linkedTraces), "links point at the aggregated records' traces: " + links);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Set<String> exported = new HashSet<>();
                CollectedSpans.of(service).stream().filter(s -> recordTraces.contains(s.getTraceId()))
                        .forEach(s -> exported.add(s.getSpanId()));
                links.forEach(l -> assertTrue(exported.contains(l.getSpanContext().getSpanId()),
                        "a link names a span the app exported in that record's trace: " + l));
            });
        }
    }
}
