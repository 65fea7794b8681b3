package io.kafkaflows.deadletter;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DLQ replay through POST /api/dlq/replay: dead letters go back with their key, value and headers and an
 * incremented dlq.replay.count; filters select by source topic and exception class; a record that keeps failing
 * is parked after flows.replay.max-attempts replays instead of looping.
 */
class DlqReplayTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Properties app(String topic, String dlq, String parking) {
        Properties props = appProperties();
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.sink", "mock:consumed");
        props.setProperty("flows.dlq.topic", dlq);
        props.setProperty("flows.replay.parking-topic", parking);
        props.setProperty("flows.replay.max-attempts", "2");
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "20");
        return props;
    }

    private static JsonNode replay(InProcessApp app, String filter) throws Exception {
        HttpResponse<String> response = app.post("/api/dlq/replay", "application/json", filter);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void replayedRecordsGoBackWithTheirCounterAndFiltersApply() throws Exception {
        String topic = createTopic(unique("replay-src"), 1);
        String dlq = createTopic(unique("replay-dead"), 1);
        String target = createTopic(unique("replay-target"), 1);
        ProducerRecord<byte[], byte[]> first = new ProducerRecord<>(topic, bytes("k1"), bytes("{\"id\":1}"));
        first.headers().add(new RecordHeader("trace", bytes("t-1")));
        produce(List.of(first, new ProducerRecord<>(topic, bytes("k2"), bytes("{\"id\":2}"))));
        try (InProcessApp app = InProcessApp.start(app(topic, dlq, unique("replay-parked")))) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            sink.whenAnyExchangeReceived(e -> {
                throw new IOException("sink down (simulated)");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> endOffsetTotal(dlq) == 2);

            assertEquals(0, replay(app, "{\"sourceTopic\":\"" + topic + "\",\"exceptionClass\":\"java.lang.Nope\"}").get("matched").asInt());
            assertEquals(0, replay(app, "{\"sourceTopic\":\"other\"}").get("matched").asInt());
            assertEquals(2, replay(app, "{\"sourceTopic\":\"" + topic + "\",\"dryRun\":true}").get("matched").asInt());
            JsonNode result = replay(app, "{\"sourceTopic\":\"" + topic + "\",\"exceptionClass\":\"java.io.IOException\","
                    + "\"targetTopic\":\"" + target + "\"}");
            assertEquals(2, result.get("replayed").asInt());
            assertEquals(0, result.get("parked").asInt());

            List<ConsumerRecord<byte[], byte[]>> back = readAll(target, "read_committed", 2, Duration.ofSeconds(30));
            assertEquals(2, back.size());
            assertArrayEquals(bytes("k1"), back.get(0).key());
            assertArrayEquals(bytes("{\"id\":1}"), back.get(0).value());
            assertEquals("t-1", header(back.get(0), "trace"));
            assertEquals("1", header(back.get(0), DeadLetterHeaders.REPLAY_COUNT));
            assertEquals(null, header(back.get(0), DeadLetterHeaders.EXCEPTION_CLASS), "context headers stay in the DLQ");

            HttpResponse<String> bad = app.post("/api/dlq/replay", "application/json", "{\"from\":\"yesterday\"}");
            assertEquals(400, bad.statusCode(), bad.body());
        }
    }

    /** A record that fails every time: replayed to its source twice (max-attempts 2), parked on the third run. */
    @Test
    void recordThatKeepsFailingIsParkedNotLooped() throws Exception {
        String topic = createTopic(unique("replay-loop"), 1);
        String dlq = createTopic(unique("replay-loop-dead"), 1);
        String parking = createTopic(unique("replay-loop-parked"), 1);
        produce(topic, "poison", "not json");
        try (InProcessApp app = InProcessApp.start(app(topic, dlq, parking))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> endOffsetTotal(dlq) == 1);
            for (int run = 1; run <= 2; run++) {
                String last = Instant.ofEpochMilli(readAll(dlq, "read_committed", run, Duration.ofSeconds(10))
                        .get(run - 1).timestamp()).toString();
                JsonNode result = replay(app, "{\"from\":\"" + last + "\"}");
                assertEquals(1, result.get("replayed").asInt(), "run " + run + ": " + result);
                int expected = run + 1;
                await().atMost(Duration.ofSeconds(30)).until(() -> endOffsetTotal(dlq) == expected);
            }
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(dlq, "read_committed", 3, Duration.ofSeconds(10));
            assertEquals("2", header(dead.get(2), DeadLetterHeaders.REPLAY_COUNT), "the count survives dead-lettering");
            String last = Instant.ofEpochMilli(dead.get(2).timestamp()).toString();
            JsonNode third = replay(app, "{\"from\":\"" + last + "\"}");
            assertEquals(0, third.get("replayed").asInt());
            assertEquals(1, third.get("parked").asInt());
            List<ConsumerRecord<byte[], byte[]>> parked = readAll(parking, "read_committed", 1, Duration.ofSeconds(30));
            assertEquals(1, parked.size());
            assertArrayEquals(bytes("not json"), parked.get(0).value());
            assertEquals(3, endOffsetTotal(dlq), "nothing more was dead-lettered: the loop stopped");
        }
    }

    /** flows.replay.on-start=true runs one replay with the configured filter when the app starts. */
    @Test
    void replayRunsOnStartWhenConfigured() throws Exception {
        String topic = createTopic(unique("replay-start"), 1);
        String dlq = createTopic(unique("replay-start-dead"), 1);
        String target = createTopic(unique("replay-start-target"), 1);
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(dlq, bytes("k"), bytes("{\"id\":9}"));
        dead.headers().add(new RecordHeader(DeadLetterHeaders.SOURCE_TOPIC, bytes(topic)));
        dead.headers().add(new RecordHeader(DeadLetterHeaders.EXCEPTION_CLASS, bytes("java.io.IOException")));
        produce(List.of(dead));
        Properties props = app(topic, dlq, unique("replay-start-parked"));
        props.setProperty("flows.replay.on-start", "true");
        props.setProperty("flows.replay.filter.source-topic", topic);
        props.setProperty("flows.replay.filter.target-topic", target);
        try (InProcessApp app = InProcessApp.start(props)) {
            List<ConsumerRecord<byte[], byte[]>> back = readAll(target, "read_committed", 1, Duration.ofSeconds(30));
            assertEquals(1, back.size());
            assertEquals("1", header(back.get(0), DeadLetterHeaders.REPLAY_COUNT));
        }
    }
}
