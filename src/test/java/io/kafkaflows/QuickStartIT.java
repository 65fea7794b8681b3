package io.kafkaflows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.FreePorts;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's quick start, as a user runs it: {@code java -jar target/kafka-flows.jar} with nothing configured
 * starts a local broker, the demo events are produced and consumed within 60 s, a plain {@code curl -d} POST is
 * answered with partition and offset and the consumer logs the event; SIGKILL of the app leaves no broker behind.
 */
class QuickStartIT {

    @Test
    void firstRunShowsDataFlowingAndLeavesNoBrokerWhenKilled() throws Exception {
        int httpPort = FreePorts.next();
        Map<String, String> props = Map.of(
                "flows.broker.port", String.valueOf(FreePorts.next()),
                "flows.broker.data-dir", Path.of("target", "test-kafka", "quickstart-" + UUID.randomUUID()).toString(),
                "camel.server.port", String.valueOf(httpPort),
                "camel.management.port", String.valueOf(FreePorts.next()));
        try (AppProcess app = AppProcess.start("quickstart", props, Map.of())) {
            app.awaitLog("Local Kafka broker ready", Duration.ofSeconds(90));
            Matcher pid = Pattern.compile("Local Kafka broker ready at \\S+ \\(pid (\\d+)").matcher(app.output());
            assertTrue(pid.find(), app.tail());
            ProcessHandle broker = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();

            app.awaitLog("Produced demo event", Duration.ofSeconds(60));
            app.awaitLog("i.k.c.events - Exchange[Body: {\"id\":", Duration.ofSeconds(60));

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + httpPort + "/api/topics/events/records"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\":{\"text\":\"hi\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode answer = new ObjectMapper().readTree(response.body());
            assertTrue(answer.get("partition").isInt() && answer.get("offset").isNumber(), response.body());
            app.awaitLog("Exchange[Body: {\"text\":\"hi\"}]", Duration.ofSeconds(60));
            HttpResponse<String> topics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/api/topics")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, topics.statusCode(), "the admin API runs from the jar too: " + topics.body());
            assertTrue(topics.body().contains("\"events\""), topics.body());

            app.kill();
            await().atMost(Duration.ofSeconds(40)).until(() -> !broker.isAlive());
        }
    }
}
