package io.kafkaflows.admin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin REST API against the real broker: topics (create, list, describe with offsets and record counts,
 * configs, partitions, delete) and consumer groups (describe, lag, offset resets with dry run, delete), with the
 * errors a user gets (404 unknown, 409 conflict, 400 bad argument, 403 read-only).
 */
class AdminApiTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static InProcessApp app;
    private static Properties props;

    @BeforeAll
    static void start() {
        props = appProperties();
        app = InProcessApp.start(props);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        return app.send(HttpRequest.newBuilder(app.uri(app.property("camel.server.port"), path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode ok(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return response.body().isEmpty() ? null : JSON.readTree(response.body());
    }

    @Test
    void topicsLifecycle() throws Exception {
        String topic = unique("admin-topic");
        JsonNode created = ok(call("POST", "/api/topics",
                "{\"name\":\"" + topic + "\",\"partitions\":2,\"replicationFactor\":1,\"configs\":{\"retention.ms\":\"3600000\"}}"), 201);
        assertEquals(2, created.get("partitions").size());
        assertEquals("3600000", created.get("configs").get("retention.ms").asText());
        ok(call("POST", "/api/topics", "{\"name\":\"" + topic + "\"}"), 409);
        ok(call("POST", "/api/topics", "{\"partitions\":1}"), 400);

        JsonNode list = ok(call("GET", "/api/topics", null), 200);
        assertTrue(list.findValuesAsText("name").contains(topic), list.toString());

        for (int i = 0; i < 5; i++) {
            produce(topic, "k", "v" + i);
        }
        JsonNode described = ok(call("GET", "/api/topics/" + topic, null), 200);
        long records = 0;
        for (JsonNode p : described.get("partitions")) {
            records += p.get("records").asLong();
            assertEquals(1, p.get("isr").size());
            assertEquals(p.get("leader").asInt(), p.get("replicas").get(0).asInt());
        }
        assertEquals(5, records);

        JsonNode configured = ok(call("PUT", "/api/topics/" + topic + "/configs", "{\"cleanup.policy\":\"compact\"}"), 200);
        assertEquals("compact", configured.get("configs").get("cleanup.policy").asText());
        assertEquals(4, ok(call("POST", "/api/topics/" + topic + "/partitions", "{\"count\":4}"), 200).get("partitions").size());
        JsonNode refused = ok(call("POST", "/api/topics/" + topic + "/partitions", "{\"count\":2}"), 400);
        assertTrue(refused.get("detail").asText().contains("cannot decrease"), refused.toString());

        ok(call("GET", "/api/topics/" + unique("missing"), null), 404);
        ok(call("DELETE", "/api/topics/" + topic, null), 204);
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/topics/" + topic, null).statusCode() == 404);
    }

    @Test
    void groupLagAndOffsetResets() throws Exception {
        String topic = createTopic(unique("admin-group-topic"), 1);
        for (int i = 0; i < 5; i++) {
            produce(topic, "k", "v" + i);
        }
        String group = unique("admin-group");
        TopicPartition tp = new TopicPartition(topic, 0);
        admin().alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(2))).all().get();

        JsonNode lag = ok(call("GET", "/api/groups/" + group + "/lag", null), 200);
        assertEquals(3, lag.get("totalLag").asLong());
        assertEquals(2, lag.get("partitions").get(0).get("committedOffset").asLong());
        assertEquals(5, lag.get("partitions").get(0).get("endOffset").asLong());
        JsonNode described = ok(call("GET", "/api/groups/" + group, null), 200);
        assertEquals(0, described.get("members").size());
        assertEquals(3, described.get("totalLag").asLong());
        assertTrue(ok(call("GET", "/api/groups", null), 200).findValuesAsText("groupId").contains(group));

        String path = "/api/groups/" + group + "/reset-offsets";
        JsonNode dry = ok(call("POST", path, "{\"topic\":\"" + topic + "\",\"to\":\"earliest\",\"dryRun\":true}"), 200);
        assertEquals(0, dry.get("offsets").get("0").asLong());
        assertEquals(2L, committedTotal(group, topic), "a dry run changes nothing");
        ok(call("POST", path, "{\"topic\":\"" + topic + "\",\"to\":\"latest\"}"), 200);
        assertEquals(5L, committedTotal(group, topic));
        ok(call("POST", path, "{\"topic\":\"" + topic + "\",\"to\":\"shift\",\"value\":-2}"), 200);
        assertEquals(3L, committedTotal(group, topic));
        ok(call("POST", path, "{\"topic\":\"" + topic + "\",\"to\":\"offset\",\"value\":99}"), 200);
        assertEquals(5L, committedTotal(group, topic), "clamped to the end offset");
        ok(call("POST", path, "{\"topic\":\"" + topic + "\",\"to\":\"timestamp\",\"value\":0}"), 200);
        assertEquals(0L, committedTotal(group, topic));
        ok(call("POST", path, "{\"topic\":\"" + topic + "\",\"to\":\"sideways\"}"), 400);

        ok(call("DELETE", "/api/groups/" + group, null), 204);
        ok(call("GET", "/api/groups/" + group, null), 404);
    }

    /** The app's own consumer group is active: a reset is refused with 409, a dry run is fine. */
    @Test
    void resetOfAnActiveGroupIsAConflict() throws Exception {
        String topic = props.getProperty("flows.consumer.topic");  // created by the app's consumer on start
        String group = props.getProperty("flows.consumer.group-id");
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/groups/" + group, null).statusCode() == 200
                && JSON.readTree(call("GET", "/api/groups/" + group, null).body()).get("members").size() == 1);
        JsonNode conflict = ok(call("POST", "/api/groups/" + group + "/reset-offsets",
                "{\"topic\":\"" + topic + "\",\"to\":\"earliest\"}"), 409);
        assertEquals("group_active", conflict.get("error").asText());
        ok(call("POST", "/api/groups/" + group + "/reset-offsets", "{\"topic\":\"" + topic + "\",\"to\":\"earliest\",\"dryRun\":true}"), 200);
        ok(call("DELETE", "/api/groups/" + group, null), 409);
    }

    @Test
    void readOnlyRefusesDestructiveCalls() throws Exception {
        Properties readOnly = appProperties();
        readOnly.setProperty("flows.admin.read-only", "true");
        try (InProcessApp other = InProcessApp.start(readOnly)) {
            HttpResponse<String> response = other.send(HttpRequest.newBuilder(other.uri(other.property("camel.server.port"), "/api/topics"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"nope\"}")));
            assertEquals(403, response.statusCode(), response.body());
            assertEquals("read_only", JSON.readTree(response.body()).get("error").asText());
            assertEquals(200, other.get(other.property("camel.server.port"), "/api/topics").statusCode());
        }
    }
}
