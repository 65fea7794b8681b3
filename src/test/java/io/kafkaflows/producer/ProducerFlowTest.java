package io.kafkaflows.producer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The producer flow end to end: HTTP requests against the running app, records checked by an independent reader
 * on the real broker. Covers sync with delivery metadata, arrays, async, transactional all-or-nothing, and every
 * error status with nothing half-written. Once a request is answered (async: once its send completed), the topic is
 * read to its end offsets and counted: each record exactly once.
 */
class ProducerFlowTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    private static InProcessApp app;

    @BeforeAll
    static void startApp() {
        Properties props = appProperties();
        props.setProperty("flows.producer.allowed-topics", "producer-.*");
        app = InProcessApp.start(props);
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    private static String path(String topic) {
        return "/api/topics/" + topic + "/records";
    }

    /**
     * Each request's route holds a Vert.x worker thread until the broker acknowledges its send: 64 of them wait at
     * once on the API server's pool (Vert.x's default of 20 queued the rest: 1,591 requests/s at 64 connections).
     */
    @Test
    void theApiServerRunsSixtyFourBlockingRequestsAtOnce() throws Exception {
        int port = Integer.parseInt(app.property("camel.server.port"));
        Vertx vertx = VertxPlatformHttpRouter.lookup(app.context(), VertxPlatformHttpRouter.getRouterNameFromPort(port))
                .vertx();
        CountDownLatch allRunning = new CountDownLatch(64);
        List<Future<Boolean>> tasks = IntStream.range(0, 64).mapToObj(i -> vertx.executeBlocking(() -> {
            allRunning.countDown();
            return allRunning.await(5, TimeUnit.SECONDS);
        }, false)).toList();
        for (Future<Boolean> task : tasks) {
            assertTrue(task.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS),
                    "64 workers ran at the same time");
        }
    }

    /** A plain {@code curl -d} (form-urlencoded label) with a key, headers and characters a form decoder would mangle. */
    @Test
    void singleRecordIsAcknowledgedWithItsMetadataAndNoHttpHeaderLeaks() throws Exception {
        String topic = createTopic(unique("producer-single"), 3);
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.uri(app.property("camel.server.port"), path(topic)))
                .header("Content-Type", FORM)
                .header("X-Trace-Id", "from-http")
                .header("CamelKafkaOverrideTopic", "producer-elsewhere")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"key\":\"user-1\",\"value\":{\"text\":\"a+b %41 & c=d\"},\"headers\":{\"source\":\"test\"}}")));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertEquals(topic, answer.get("topic").asText());
        List<ConsumerRecord<byte[], byte[]>> records = readToEnd(topic, "read_committed");
        assertEquals(1, records.size(), "written once");
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertEquals(answer.get("partition").asInt(), record.partition());
        assertEquals(answer.get("offset").asLong(), record.offset());
        assertEquals(answer.get("timestamp").asLong(), record.timestamp());
        assertEquals("user-1", text(record.key()));
        assertEquals(JSON.readTree("{\"text\":\"a+b %41 & c=d\"}"), JSON.readTree(record.value()));
        Header[] headers = record.headers().toArray();
        assertEquals(1, headers.length, "only the headers given in the body: " + List.of(headers));
        assertEquals("source", headers[0].key());
        assertArrayEquals(bytes("test"), headers[0].value());
    }

    @Test
    void arrayAnswersOneResultPerRecordInOrder() throws Exception {
        String topic = createTopic(unique("producer-array"), 3);
        HttpResponse<String> response = app.post(path(topic), "application/json",
                "[{\"value\":1,\"partition\":0},{\"key\":\"k\",\"value\":\"two\",\"partition\":2},{\"value\":null,\"key\":\"gone\"}]");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertEquals(3, answer.size());
        assertEquals(0, answer.get(0).get("partition").asInt());
        assertEquals(2, answer.get(1).get("partition").asInt());
        List<ConsumerRecord<byte[], byte[]>> records = readToEnd(topic, "read_committed");
        assertEquals(3, records.size(), "each record of the array once");
        ConsumerRecord<byte[], byte[]> tombstone = records.stream().filter(r -> "gone".equals(text(r.key()))).findFirst().orElseThrow();
        assertEquals(null, tombstone.value(), "value null is a tombstone");
    }

    @Test
    void asyncAnswers202AtOnceAndDelivers() throws Exception {
        String topic = createTopic(unique("producer-async"), 1);
        // done = the async route completed the send (camel-kafka completes the exchange on the broker's answer);
        // a NotifyBuilder made after start sees no exchange events (Camel decides that when the context starts)
        ManagedRouteMBean asyncRoute = app.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("producer-async-send");
        long completedBefore = asyncRoute.getExchangesCompleted();
        HttpResponse<String> response = app.post(path(topic) + "?async=true", "application/json",
                "[{\"value\":{\"n\":1}},{\"value\":{\"n\":2}}]");

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(2, JSON.readTree(response.body()).get("accepted").asInt());
        await().atMost(Duration.ofSeconds(30)).until(() -> asyncRoute.getExchangesCompleted() == completedBefore + 1);
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), readToEnd(topic, "read_committed").stream()
                .map(r -> text(r.value())).toList(), "each record once, in order");
    }

    /** The second record is refused by the broker (topic max.message.bytes); the first must never become visible. */
    @Test
    void transactionalArrayIsAllOrNothing() throws Exception {
        String topic = createTopic(unique("producer-tx"), 2, Map.of("max.message.bytes", "2048"));
        StringBuilder incompressible = new StringBuilder();
        while (incompressible.length() < 6000) {
            incompressible.append(java.util.UUID.randomUUID());
        }
        String big = incompressible.toString();
        HttpResponse<String> refused = app.post(path(topic) + "?transactional=true", "application/json",
                "[{\"value\":\"small\",\"partition\":0},{\"value\":\"" + big + "\",\"partition\":1}]");

        assertEquals(413, refused.statusCode(), refused.body());
        assertEquals("record_too_large", JSON.readTree(refused.body()).get("error").asText());

        HttpResponse<String> accepted = app.post(path(topic) + "?transactional=true", "application/json",
                "[{\"value\":\"one\",\"partition\":0},{\"value\":\"two\",\"partition\":1}]");
        assertEquals(200, accepted.statusCode(), accepted.body());

        List<ConsumerRecord<byte[], byte[]>> committed = readToEnd(topic, "read_committed");
        assertEquals(List.of("\"one\"", "\"two\""), committed.stream().map(r -> text(r.value())).sorted().toList(),
                "the accepted array once, nothing of the refused one");
        List<ConsumerRecord<byte[], byte[]>> uncommitted = readToEnd(topic, "read_uncommitted");
        assertTrue(uncommitted.stream().anyMatch(r -> "\"small\"".equals(text(r.value()))),
                "the aborted record was written, then aborted: read_uncommitted sees it, read_committed does not");
    }

    @Test
    void refusedRequestsAnswerJsonErrorsAndWriteNothing() throws Exception {
        String topic = createTopic(unique("producer-errors"), 2);
        expectError(app.post(path(topic), "application/json", "{\"value\":"), 400, "bad_request");
        expectError(app.post(path(topic), "application/json", "{\"key\":\"k\"}"), 400, "bad_request");
        expectError(app.post(path(topic), "application/json", ""), 400, "bad_request");
        expectError(app.post(path(topic), "application/json", "[]"), 400, "bad_request");
        expectError(app.post(path(topic), "application/json", "{\"value\":1,\"vaule\":2}"), 400, "bad_request");
        expectError(app.post(path(topic), "application/json", "{\"value\":1,\"headers\":{\"h\":1}}"), 400, "bad_request");
        expectError(app.post(path(topic), "application/json", "{\"value\":1,\"partition\":2}"), 400, "bad_request");
        expectError(app.post(path(topic) + "?async=true&transactional=true", "application/json", "{\"value\":1}"), 400, "bad_request");
        expectError(app.post(path("secret-topic"), "application/json", "{\"value\":1}"), 403, "topic_not_allowed");
        String tooLarge = "{\"value\":\"" + "y".repeat(1_100_000) + "\"}";
        expectError(app.post(path(topic), "application/json", tooLarge), 413, "record_too_large");
        expectError(app.post(path(topic), "application/json", "[{\"value\":1},{\"value\":\"" + "y".repeat(1_100_000) + "\"}]"),
                413, "record_too_large");

        assertEquals(0, endOffsetTotal(topic), "no refused request wrote anything");
    }

    private static void expectError(HttpResponse<String> response, int status, String error) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(error, body.get("error").asText(), response.body());
        assertTrue(body.hasNonNull("detail"), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }
}
