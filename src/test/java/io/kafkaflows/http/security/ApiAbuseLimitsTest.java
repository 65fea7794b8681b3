package io.kafkaflows.http.security;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Abuse limits of the API port: a body over camel.server.max-body-size is refused with 413 whether its length is
 * declared or streamed (chunked), and nothing is written; record writes and DLQ replays are limited per principal
 * (429 with Retry-After, the API's JSON error), one principal's burst leaving another's budget alone; exactly the
 * accepted writes reach the topic.
 */
class ApiAbuseLimitsTest extends KafkaTestSupport {

    private static InProcessApp app;
    private static String topic;

    @BeforeAll
    static void start() throws Exception {
        Path users = Files.writeString(Files.createTempDirectory("api-limits").resolve("users.properties"),
                "user.bob=pw-bob,producer,operator\nuser.carl=pw-carl,producer\nuser.dora=pw-dora,producer\n");
        topic = createTopic(unique("limits"), 1);
        Properties props = appProperties();
        props.setProperty("flows.http.auth.users-file", users.toString());
        props.setProperty("flows.http.principals.bob.topics", topic);
        props.setProperty("flows.http.principals.carl.topics", topic);
        props.setProperty("flows.http.principals.dora.topics", topic);
        props.setProperty("camel.server.max-body-size", "1000");
        props.setProperty("flows.http.rate-limit.produce", "3");
        props.setProperty("flows.http.rate-limit.dlq-replay", "1");
        app = InProcessApp.start(props);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void oversizedBodiesAreRefusedAndNothingIsWritten() {
        String big = "{\"value\":\"" + "x".repeat(2000) + "\"}";
        // dora, not bob: a streamed body is only measured after the rate limiter took its token
        HttpResponse<String> declared = send("dora", HttpRequest.newBuilder(uri("/api/topics/" + topic + "/records"))
                .POST(HttpRequest.BodyPublishers.ofString(big)));
        assertEquals(413, declared.statusCode(), declared.body());
        assertTrue(declared.body().contains("\"payload_too_large\""), declared.body());
        HttpResponse<String> streamed = send("dora", HttpRequest.newBuilder(uri("/api/topics/" + topic + "/records"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertEquals(413, streamed.statusCode(), streamed.body());
        assertEquals(0, endOffsetTotal(topic));
    }

    @Test
    void writesAndReplaysAreLimitedPerPrincipal() {
        int accepted = 0;
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = send("bob", HttpRequest.newBuilder(uri("/api/topics/" + topic + "/records"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\":" + i + "}")));
            if (response.statusCode() == 200) {
                accepted++;
            } else {
                assertEquals(429, response.statusCode(), response.body());
                assertTrue(response.body().startsWith("{\"error\":\"rate_limited\""), response.body());
                assertTrue(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow()) >= 1);
                limited++;
            }
        }
        assertTrue(limited > 0 && accepted >= 3, accepted + " accepted, " + limited + " limited");
        assertEquals(200, send("carl", HttpRequest.newBuilder(uri("/api/topics/" + topic + "/records"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"carl\"}"))).statusCode(), "carl has a budget of his own");
        assertEquals(accepted + 1, endOffsetTotal(topic), "exactly the accepted writes are in the topic");

        assertEquals(200, send("bob", HttpRequest.newBuilder(uri("/api/dlq/replay"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"dryRun\":true}"))).statusCode());
        HttpResponse<String> again = send("bob", HttpRequest.newBuilder(uri("/api/dlq/replay"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"dryRun\":true}")));
        assertEquals(429, again.statusCode(), again.body());
        assertTrue(again.headers().firstValue("Retry-After").isPresent());
    }

    private static java.net.URI uri(String path) {
        return app.uri(app.property("camel.server.port"), path);
    }

    private static HttpResponse<String> send(String user, HttpRequest.Builder request) {
        String credentials = Base64.getEncoder().encodeToString((user + ":pw-" + user).getBytes(StandardCharsets.UTF_8));
        return app.send(request.header("Authorization", "Basic " + credentials).header("Content-Type", "application/json"));
    }
}
