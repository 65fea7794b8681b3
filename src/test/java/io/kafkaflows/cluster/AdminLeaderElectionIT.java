package io.kafkaflows.cluster;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.broker.KafkaClusterLauncher;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API's 503 path for real: on 3 nodes, a topic of 3 partitions with replication factor 1 loses the only
 * replica of one partition (its node SIGKILLed and fenced). GET of the topic answers 503 leader_not_available with
 * Retry-After at once (not 404, not a 500 after the admin call's timeout); a create meanwhile answers 201 (the new
 * partitions go to live nodes); once the node is back, GET answers 200 again.
 */
class AdminLeaderElectionIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void topicWithALeaderlessPartitionIs503WithRetryAfterNever404() throws Exception {
        try (KafkaClusterLauncher cluster = startCluster(3); TestKafka kafka = kafka(cluster)) {
            Properties props = appProperties();
            props.setProperty("camel.component.kafka.brokers", cluster.bootstrapServers());
            try (InProcessApp app = InProcessApp.start(props)) {
                String topic = unique("leaderless");
                HttpResponse<String> created = call(app, "POST", "/api/topics",
                        "{\"name\":\"" + topic + "\",\"partitions\":3,\"replicationFactor\":1}");
                assertEquals(201, created.statusCode(), created.body());
                int victim = JSON.readTree(created.body()).get("partitions").get(0).get("leader").asInt();
                cluster.node(victim).kill();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    Node leader = describe(kafka, topic).partitions().get(0).leader();
                    return leader == null || leader.isEmpty();
                });

                long started = System.nanoTime();
                HttpResponse<String> described = call(app, "GET", "/api/topics/" + topic, null);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                System.out.printf("admin API, partition 0 without leader (node %d killed): GET %d in %d ms, Retry-After %s, %s%n",
                        victim, described.statusCode(), tookMs, described.headers().firstValue("Retry-After").orElse("-"),
                        described.body());
                assertEquals(503, described.statusCode(), described.body());
                assertEquals("leader_not_available", JSON.readTree(described.body()).get("error").asText());
                assertTrue(described.headers().firstValue("Retry-After").isPresent(), described.headers().map().toString());
                assertTrue(tookMs < 5_000, "answered at once, not after a timeout: " + tookMs + " ms");

                HttpResponse<String> meanwhile = call(app, "POST", "/api/topics",
                        "{\"name\":\"" + unique("during-outage") + "\",\"partitions\":3,\"replicationFactor\":1}");
                assertEquals(201, meanwhile.statusCode(), meanwhile.body());

                cluster.node(victim).start();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    HttpResponse<String> again = call(app, "GET", "/api/topics/" + topic, null);
                    assertTrue(again.statusCode() == 200 || again.statusCode() == 503
                            && again.headers().firstValue("Retry-After").isPresent(), again.statusCode() + " " + again.body());
                    return again.statusCode() == 200;
                });
            }
        }
    }

    private static TopicDescription describe(TestKafka kafka, String topic) throws Exception {
        return kafka.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    private static HttpResponse<String> call(InProcessApp app, String method, String path, String body) {
        return app.send(HttpRequest.newBuilder(app.uri(app.property("camel.server.port"), path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }
}
