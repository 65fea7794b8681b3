package io.kafkaflows.tracing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.deadletter.InvalidEventException;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import io.kafkaflows.testsupport.OtlpReceiver;
import io.kafkaflows.testsupport.ZipkinServer;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing end to end against a real Zipkin server and the real broker: a record POSTed with a W3C traceparent is
 * consumed by the consumer flow, and Zipkin holds one trace (the caller's trace id) in which the consumer flow's span
 * descends from the HTTP request's span; the record carries that trace in its headers. A record the flow
 * dead-letters stays in that trace through the dead letter and its replay.
 */
class TracingTest extends KafkaTestSupport {

    private static ZipkinServer zipkin;

    @BeforeAll
    static void startZipkin() throws IOException {
        zipkin = ZipkinServer.start(Path.of("target", "zipkin", "logs"));
    }

    @AfterAll
    static void stopZipkin() {
        if (zipkin != null) {
            zipkin.close();
        }
    }

    private static Properties tracedApp(String service) {
        Properties props = appProperties();
        props.setProperty("camel.opentelemetry2.enabled", "true");
        props.setProperty("otel.service.name", service);
        props.setProperty("otel.traces.exporter", "zipkin");
        props.setProperty("otel.exporter.zipkin.endpoint", zipkin.spansEndpoint());
        props.setProperty("otel.bsp.schedule.delay", "100");
        props.setProperty("flows.consumer.sink", "mock:traced");
        return props;
    }

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-00f067aa0ba902b7-01";
    }

    private static String post(InProcessApp app, String topic, String traceId, String record) {
        var response = app.send(java.net.http.HttpRequest.newBuilder(
                        app.uri(app.property("camel.server.port"), "/api/topics/" + topic + "/records"))
                .header("Content-Type", "application/json")
                .header("traceparent", traceparent(traceId))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(record)));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The spans of one trace, once Zipkin holds spans matching every condition. */
    private static List<JsonNode> awaitTrace(String service, String traceId, List<Predicate<JsonNode>> wanted) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> zipkin.traces(service).stream()
                        .filter(t -> t.get(0).path("traceId").asText().equals(traceId)).findFirst().orElse(List.of()),
                        spans -> wanted.stream().allMatch(w -> spans.stream().anyMatch(w)));
    }

    /** The span of an exchange entering a route from {@code scheme} (and, for Kafka, from {@code topic}). */
    private static Predicate<JsonNode> routeSpan(String scheme, String topic) {
        return span -> span.path("tags").path("op").asText().equals("EVENT_RECEIVED")
                && span.path("tags").path("url.scheme").asText().equals(scheme)
                && (topic == null || span.path("tags").path("messaging.destination.name").asText().equals(topic));
    }

    /** A span of one record of a poll handled as one exchange (RecordTracing.startProcess). */
    private static Predicate<JsonNode> recordSpan(String topic) {
        return span -> span.path("kind").asText().equals("CONSUMER") && span.path("name").asText().equals("process " + topic);
    }

    private static Predicate<JsonNode> sendSpan(String topic) {
        return span -> span.path("kind").asText().equals("PRODUCER") && span.path("name").asText().equals("send " + topic);
    }

    private static JsonNode only(List<JsonNode> spans, Predicate<JsonNode> which) {
        List<JsonNode> found = spans.stream().filter(which).toList();
        assertEquals(1, found.size(), "spans: " + spans);
        return found.get(0);
    }

    /** Whether {@code span} descends from {@code ancestor} through parentId links in {@code spans}. */
    private static boolean descends(JsonNode span, JsonNode ancestor, List<JsonNode> spans) {
        Map<String, JsonNode> byId = spans.stream().collect(Collectors.toMap(s -> s.path("id").asText(), s -> s, (a, b) -> a));
        JsonNode current = span;
        while (current != null && current.hasNonNull("parentId")) {
            if (current.path("parentId").asText().equals(ancestor.path("id").asText())) {
                return true;
            }
            current = byId.get(current.path("parentId").asText());
        }
        return false;
    }

    private static String traceIdOf(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "no traceparent on " + record);
        return new String(header.value(), StandardCharsets.UTF_8).split("-")[1];
    }

    @Test
    void oneHttpPostIsOneTraceThroughKafkaIntoTheConsumerFlow() throws Exception {
        String topic = createTopic(unique("traced"), 1);
        String service = unique("traced-app");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736".substring(0, 20) + Long.toHexString(System.nanoTime() & 0xfffffffffffL);
        traceId = (traceId + "000000000000").substring(0, 32);
        Properties props = tracedApp(service);
        props.setProperty("flows.consumer.topic", topic);
        try (InProcessApp app = InProcessApp.start(props)) {
            post(app, topic, traceId, "{\"value\": {\"id\": 1}}");
            List<JsonNode> spans = awaitTrace(service, traceId,
                    List.of(routeSpan("platform-http", null), routeSpan("kafka", topic)));
            JsonNode http = only(spans, routeSpan("platform-http", null));
            JsonNode consumed = only(spans, routeSpan("kafka", topic));
            assertEquals("00f067aa0ba902b7", http.path("parentId").asText(), "the caller's span is the parent: " + http);
            assertTrue(descends(consumed, http, spans), "consumer span under the HTTP span: " + spans);
            assertEquals(topic, consumed.path("name").asText(), "named after the topic");
            assertEquals("0", consumed.path("tags").path("kafka.partition").asText(), consumed.toString());
            assertEquals("0", consumed.path("tags").path("kafka.offset").asText(), consumed.toString());
            JsonNode send = only(spans, span -> span.path("tags").path("op").asText().equals("EVENT_SENT")
                    && span.path("tags").path("url.scheme").asText().equals("kafka"));
            assertEquals(topic, send.path("name").asText(), "the send's span is named after the topic it wrote");
            assertEquals(traceId, traceIdOf(readToEnd(topic, "read_committed").get(0)));
        }
    }

    /** The app's own exporter (OTLP over HTTP, no exporter configured) delivers spans to a collector's endpoint. */
    @Test
    void theShippedExporterSendsOtlpOverHttp() throws Exception {
        try (OtlpReceiver collector = new OtlpReceiver()) {
            Properties props = appProperties();
            props.setProperty("camel.opentelemetry2.enabled", "true");
            props.setProperty("otel.exporter.otlp.endpoint", collector.endpoint());
            props.setProperty("otel.bsp.schedule.delay", "100");
            String topic = createTopic(unique("traced-otlp"), 1);
            try (InProcessApp app = InProcessApp.start(props)) {
                post(app, topic, "0af7651916cd43dd8448eb211c80319c", "{\"value\": 1}");
                await().atMost(Duration.ofSeconds(30)).until(() -> collector.exports() > 0);
            }
        }
    }

    /**
     * A record POSTed to the stream transform's input and one to the exactly-once flow's: each flow's output record
     * carries the request's trace, and Zipkin holds each flow's span of that record (poll mode: "process <topic>")
     * below the request's span, and the output's send span below it.
     */
    @Test
    void theTransformAndExactlyOnceFlowsCarryTheTraceIntoTheirOutputs() throws Exception {
        String service = unique("traced-flows-app");
        Properties props = tracedApp(service);
        String transformIn = createTopic(props.getProperty("flows.transform.input-topic"), 1);
        String transformOut = createTopic(props.getProperty("flows.transform.output-topic"), 1);
        String eosIn = createTopic(props.getProperty("flows.eos.input-topic"), 1);
        String eosOut = createTopic(props.getProperty("flows.eos.output-topic"), 1);
        String transformTrace = (Long.toHexString(System.nanoTime()) + "1111111111111111111111111111111").substring(0, 32);
        String eosTrace = (Long.toHexString(System.nanoTime()) + "2222222222222222222222222222222").substring(0, 32);
        try (InProcessApp app = InProcessApp.start(props)) {
            post(app, transformIn, transformTrace, "{\"value\": {\"text\": \"traced\"}}");
            post(app, eosIn, eosTrace, "{\"value\": {\"id\": 1}}");
            assertEquals(transformTrace, traceIdOf(readAll(transformOut, "read_committed", 1, Duration.ofSeconds(60)).get(0)));
            assertEquals(eosTrace, traceIdOf(readAll(eosOut, "read_committed", 1, Duration.ofSeconds(60)).get(0)));
            // both flows' poll modes handle a poll in one exchange: a record's span is "process <topic>", its send below
            for (String[] hop : List.of(new String[] {transformTrace, transformIn, transformOut}, new String[] {eosTrace, eosIn, eosOut})) {
                List<JsonNode> spans = awaitTrace(service, hop[0], List.of(routeSpan("platform-http", null), recordSpan(hop[1]), sendSpan(hop[2])));
                assertTrue(descends(only(spans, recordSpan(hop[1])), only(spans, routeSpan("platform-http", null)), spans),
                        hop[1] + ": " + spans);
                assertTrue(descends(only(spans, sendSpan(hop[2])), only(spans, recordSpan(hop[1])), spans),
                        "the output's send below the record's span: " + spans);
            }
        }
    }

    /** A job POSTed to the queue flow's topic: its share-group consume span is in the request's trace. */
    @Test
    void aQueuedJobIsInItsRequestsTrace() throws Exception {
        String service = unique("traced-queue-app");
        Properties props = tracedApp(service);
        String topic = createTopic(unique("traced-jobs"), 1);
        props.setProperty("flows.queue.enabled", "true");
        props.setProperty("flows.queue.topic", topic);
        props.setProperty("flows.queue.group-id", unique("traced-queue-group"));
        props.setProperty("flows.queue.concurrency", "1");
        props.setProperty("flows.queue.sink", "mock:traced-jobs");
        String traceId = (Long.toHexString(System.nanoTime()) + "3333333333333333333333333333333").substring(0, 32);
        try (InProcessApp app = InProcessApp.start(props)) {
            post(app, topic, traceId, "{\"value\": {\"job\": 1}}");
            List<JsonNode> spans = awaitTrace(service, traceId, List.of(routeSpan("platform-http", null), routeSpan("kafka-queue", null)));
            JsonNode job = only(spans, routeSpan("kafka-queue", null));
            assertTrue(descends(job, only(spans, routeSpan("platform-http", null)), spans), spans.toString());
            assertEquals(topic, job.path("name").asText(), "named after the topic");
        }
    }

    /**
     * The sink refuses a record once (a non-retryable failure): one trace holds the request, the failed consume, the
     * dead-letter write (the dead letter carries that span), the replay and the replayed record's consume.
     */
    @Test
    void aDeadLetteredRecordsTraceRunsThroughTheDeadLetterAndItsReplay() throws Exception {
        String topic = createTopic(unique("traced-poison"), 1);
        String dlq = createTopic(unique("traced-dead"), 1);
        String service = unique("traced-poison-app");
        String traceId = (Long.toHexString(System.nanoTime()) + "a3ce929d0e0e47364bf92f3577b34da6").substring(0, 32);
        Properties props = tracedApp(service);
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.dlq-topic", dlq);
        try (LogCapture log = LogCapture.of("io.kafkaflows.deadletter"); InProcessApp app = InProcessApp.start(props)) {
            AtomicInteger deliveries = new AtomicInteger();
            app.context().getEndpoint("mock:traced", MockEndpoint.class).whenAnyExchangeReceived(exchange -> {
                if (deliveries.incrementAndGet() == 1) {
                    throw new InvalidEventException("refused once (simulated)");
                }
            });
            post(app, topic, traceId, "{\"value\": {\"id\": 7}}");
            Predicate<JsonNode> deadLetter = span -> span.path("name").asText().equals("dead-letter " + dlq);
            // the failed consume's span ends (and is exported) after the dead-letter write's
            List<JsonNode> spans = awaitTrace(service, traceId, List.of(routeSpan("platform-http", null), deadLetter,
                    routeSpan("kafka", topic)));
            JsonNode http = only(spans, routeSpan("platform-http", null));
            JsonNode failed = only(spans, routeSpan("kafka", topic));
            JsonNode written = only(spans, deadLetter);
            assertTrue(descends(failed, http, spans), spans.toString());
            assertTrue(descends(written, failed, spans), "dead-letter write under the failed consume: " + spans);
            ConsumerRecord<byte[], byte[]> dead = readAll(dlq, "read_committed", 1, Duration.ofSeconds(60)).get(0);
            assertEquals("00-" + traceId + "-" + written.path("id").asText() + "-01", text(dead.headers().lastHeader("traceparent").value()));
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN Dead-lettered") && l.endsWith("[trace_id=" + traceId + "]")),
                    "the dead-letter log line carries the trace id: " + log.lines());

            var replayed = app.post("/api/dlq/replay", "application/json", "{\"dlqTopic\":\"" + dlq + "\",\"sourceTopic\":\"" + topic + "\"}");
            assertEquals(200, replayed.statusCode(), replayed.body());
            Predicate<JsonNode> replay = span -> span.path("name").asText().equals("replay " + topic);
            Predicate<JsonNode> consumedAgain = routeSpan("kafka", topic).and(span -> !span.path("id").asText().equals(failed.path("id").asText()));
            spans = awaitTrace(service, traceId, List.of(replay, consumedAgain));
            assertTrue(descends(only(spans, replay), written, spans), "the replay continues the dead letter's trace: " + spans);
            assertTrue(descends(only(spans, consumedAgain), only(spans, replay), spans), spans.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.get() == 2);
        }
    }
}
