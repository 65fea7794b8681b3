package io.kafkaflows.queue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue flow seen from outside, on a real broker: while its consumers hold records, the admin API and the
 * metrics show the share group's members and lag; once they are done, the outcome counters count each record once;
 * and a group id that belongs to a consumer group makes health DOWN with the reason.
 */
class QueueObservabilityTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Properties queueApp(String topic, String group) {
        Properties props = QueueFlowTest.queueApp(topic, group, createTopic(unique("queue-observe-dlq"), 1));
        props.setProperty("flows.queue.concurrency", "2");
        props.setProperty("flows.monitor.lag-interval", "500");
        return props;
    }

    private static JsonNode shareGroup(InProcessApp app, String group) throws Exception {
        HttpResponse<String> response = app.get(app.property("camel.server.port"), "/api/share-groups/" + group);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    @Test
    void lagMembersAndOutcomesAreShown() throws Exception {
        String test = unique("queue-observe");
        String topic = createTopic(test, 1);
        String group = unique("queue-observe-group");
        // locks longer than the test: the held records stay acquired by their consumers throughout
        QueueFlowTest.lockRecordsFor(group, 60000);
        try (InProcessApp app = InProcessApp.start(queueApp(topic, group))) {
            // the group's first acknowledgement gives the partition its start offset; until then lag is unknown
            produce(topic, "k", test + ":first");
            await().atMost(Duration.ofSeconds(60)).until(() -> QueueTestSink.TAKEN.getOrDefault(test, List.of()).size() == 1);
            for (int i = 0; i < 6; i++) {
                produce(topic, "k" + i, test + ":" + i + ":hold");
            }
            // six records in flight, none acknowledged: all six are lag; both consumers are members
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode described = shareGroup(app, group);
                return described != null && described.get("totalLag").asLong() == 6 && described.get("members").size() == 2;
            });
            JsonNode partition = shareGroup(app, group).get("partitions").get(0);
            assertEquals(topic, partition.get("topic").asText(), partition.toString());
            // the persisted start offset trails the acknowledgements (seen: still 0 with record 0 accepted)
            assertTrue(partition.get("startOffset").asLong() <= 1, partition.toString());
            String management = app.property("camel.management.port");
            String lagGauge = "kafkaflows_share_group_lag{group=\"" + group + "\",partition=\"0\",topic=\"" + topic + "\"} 6.0";
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(management, "/observe/metrics").body().contains(lagGauge));

            QueueTestSink.release(test);
            String accepted = "kafkaflows_queue_records_total{group=\"" + group + "\",outcome=\"accept\",topic=\"" + topic + "\"} 7.0";
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(management, "/observe/metrics").body().contains(accepted));
            assertEquals(7, QueueTestSink.TAKEN.get(test).size(), "each record taken once: " + QueueTestSink.TAKEN.get(test));
            await().atMost(Duration.ofSeconds(60)).until(() -> shareGroup(app, group).get("totalLag").asLong() == 0);
            assertEquals(404, app.get(app.property("camel.server.port"), "/api/share-groups/" + unique("no-such-group")).statusCode());
        }
    }

    @Test
    void healthIsDownWhenTheGroupIdIsAConsumerGroup() throws Exception {
        String topic = createTopic(unique("queue-health"), 1);
        String group = unique("queue-health-group");
        admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                .all().get(30, TimeUnit.SECONDS);
        Properties props = queueApp(topic, group);
        props.setProperty("camel.main.shutdown-timeout", "5");
        try (InProcessApp app = InProcessApp.start(props)) {
            String management = app.property("camel.management.port");
            await().atMost(Duration.ofSeconds(60)).until(() -> app.get(management, "/observe/health").statusCode() == 503);
            String health = app.get(management, "/observe/health?data=true").body();
            assertTrue(health.contains("share group " + group + " on " + topic + ": consumers failing"), health);
        }
    }

    /** A delivery limit the broker does not allow (its default bounds are 2 to 10) stops the start, naming both. */
    @Test
    void aDeliveryLimitTheBrokerRefusesStopsTheStart() {
        Properties props = queueApp(createTopic(unique("queue-limit"), 1), unique("queue-limit-group"));
        props.setProperty("flows.queue.max-deliveries", "11");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> InProcessApp.start(props).close());
        Throwable cause = e;
        while (cause.getCause() != null && !String.valueOf(cause.getMessage()).contains("share.delivery.count.limit")) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains("share.delivery.count.limit=11 from maxDeliveries"), e.toString());
    }
}
