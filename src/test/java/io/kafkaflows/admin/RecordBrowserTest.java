package io.kafkaflows.admin;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.json.Json;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/topics/{name}/browse} on the running app: the newest records first with key, headers and value;
 * binary values as base64, large ones cut at the cap; a partition, a limit; bad parameters and unknown topics get
 * clear errors.
 */
class RecordBrowserTest extends KafkaTestSupport {

    private static JsonNode browse(InProcessApp app, String topic, String query, int status) throws Exception {
        HttpResponse<String> response = app.get(app.property("camel.server.port"), "/api/topics/" + topic + "/browse" + query);
        assertEquals(status, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void showsTheNewestRecordsWithTheirHeadersAndRefusesBadRequests() throws Exception {
        String topic = createTopic(unique("browse"), 2);
        ProducerRecord<byte[], byte[]> withHeader = new ProducerRecord<>(topic, 0, bytes("k0"), bytes("{\"n\":0}"));
        withHeader.headers().add(new RecordHeader("origin", bytes("test")));
        produce(List.of(withHeader));
        produce(List.of(new ProducerRecord<>(topic, 0, bytes("k1"), new byte[] {(byte) 0xff, 0x00, 0x01})));
        produce(List.of(new ProducerRecord<>(topic, 1, bytes("k2"), bytes("x".repeat(RecordBrowser.VALUE_CAP + 10)))));
        try (InProcessApp app = InProcessApp.start(appProperties())) {
            JsonNode all = browse(app, topic, "", 200);
            assertEquals(3, all.get("records").size(), all.toString());
            assertEquals("k2", all.get("records").get(0).get("key").asText(), "newest first");
            JsonNode big = all.get("records").get(0);
            assertEquals(RecordBrowser.VALUE_CAP + 3, big.get("value").asText().length(), "cut at the cap, marked");
            assertTrue(big.get("value").asText().endsWith("..."));
            assertEquals(RecordBrowser.VALUE_CAP + 10, big.get("valueBytes").asInt());

            JsonNode first = browse(app, topic, "?partition=0&limit=1", 200);
            assertEquals(1, first.get("records").size());
            assertEquals("base64:/wAB", first.get("records").get(0).get("value").asText(), "not text: base64");
            JsonNode both = browse(app, topic, "?partition=0", 200).get("records");
            assertEquals("test", both.get(1).get("headers").get("origin").asText());
            assertEquals("{\"n\":0}", both.get(1).get("value").asText());

            assertTrue(browse(app, topic, "?partition=2", 400).get("detail").asText().contains("has 2 partition(s)"));
            assertTrue(browse(app, topic, "?limit=0", 400).get("detail").asText().contains("between 1 and 200"));
            assertTrue(browse(app, topic, "?limit=many", 400).get("detail").asText().contains("must be a number"));
            browse(app, unique("no-such-topic"), "", 404);
        }
    }
}
