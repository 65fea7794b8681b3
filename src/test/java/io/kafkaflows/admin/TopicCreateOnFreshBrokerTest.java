package io.kafkaflows.admin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API right after its broker started (issue #13: 404 "This server does not host this topic-partition"
 * for a topic just created): a broker of this test's own, the app started on it (its flows creating their internal
 * topics meanwhile), then at once 20 POST /api/topics (4 partitions, retention.ms) from 4 callers, each followed by
 * a GET (before the fix, 3 to 8 of the 20 creates answered that 404: the broker did not know the topic yet). Every
 * create answers 201 with a leader for every partition; a GET of a topic that exists is never 404: 200, or 503 with
 * Retry-After while leaders are being elected and 200 within 10 s.
 */
class TopicCreateOnFreshBrokerTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TOPICS = 20;
    private static final int PARTITIONS = 4;
    private static final int CALLERS = 4;

    @Test
    void topicsCreatedRightAfterBrokerStartAre201AndNever404() throws Exception {
        Map<String, Integer> statuses = new ConcurrentSkipListMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        // first (it starts the shared test broker): the broker below is then a few seconds old when the app starts
        Properties props = appProperties();
        try (KafkaBrokerLauncher broker = startBroker(Map.of())) {
            props.setProperty("camel.component.kafka.brokers", broker.bootstrapServers());
            try (InProcessApp app = InProcessApp.start(props)) {
                ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
                try {
                    List<Future<?>> calls = new ArrayList<>();
                    for (int i = 0; i < TOPICS; i++) {
                        String topic = unique("fresh-" + i);
                        calls.add(callers.submit(() -> createAndDescribe(app, topic, statuses, failures)));
                    }
                    for (Future<?> call : calls) {
                        call.get(2, TimeUnit.MINUTES);
                    }
                } finally {
                    callers.shutdownNow();
                }
            }
        }
        System.out.printf("admin API on a fresh broker: %d topics created and described; statuses %s%n", TOPICS, statuses);
        assertTrue(failures.isEmpty(), statuses + " " + failures);
        assertEquals(TOPICS, statuses.get("POST 201"), statuses.toString());
        assertFalse(statuses.containsKey("GET 404"), statuses.toString());
    }

    /** POST then GET until 200 (at most 10 s); anything but 201, 200 or 503 with Retry-After is a failure. */
    private static void createAndDescribe(InProcessApp app, String topic, Map<String, Integer> statuses, List<String> failures) {
        HttpResponse<String> created = call(app, "POST", "/api/topics", "{\"name\":\"" + topic + "\",\"partitions\":"
                + PARTITIONS + ",\"configs\":{\"retention.ms\":\"3600000\"}}");
        statuses.merge("POST " + created.statusCode(), 1, Integer::sum);
        if (created.statusCode() != 201) {
            failures.add("POST " + topic + ": " + created.statusCode() + " " + created.headers().map() + " " + created.body());
        } else {
            checkDescription(topic, created.body(), failures);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> described = call(app, "GET", "/api/topics/" + topic, null);
            statuses.merge("GET " + described.statusCode(), 1, Integer::sum);
            if (described.statusCode() == 200) {
                checkDescription(topic, described.body(), failures);
                return true;
            }
            if (described.statusCode() != 503 || described.headers().firstValue("Retry-After").isEmpty()) {
                failures.add("GET " + topic + ": " + described.statusCode() + " " + described.headers().map()
                        + " " + described.body());
                return true;
            }
            return false;
        });
    }

    private static void checkDescription(String topic, String body, List<String> failures) {
        JsonNode description;
        try {
            description = JSON.readTree(body);
        } catch (Exception e) {
            failures.add(topic + " answered " + body);
            return;
        }
        if (description.get("partitions").size() != PARTITIONS
                || !"3600000".equals(description.path("configs").path("retention.ms").asText())) {
            failures.add(topic + " described as " + description);
            return;
        }
        for (JsonNode p : description.get("partitions")) {
            if (p.get("leader").isNull()) {
                failures.add(topic + " answered with a partition without leader: " + description);
            }
        }
    }

    private static HttpResponse<String> call(InProcessApp app, String method, String path, String body) {
        return app.send(HttpRequest.newBuilder(app.uri(app.property("camel.server.port"), path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }
}
