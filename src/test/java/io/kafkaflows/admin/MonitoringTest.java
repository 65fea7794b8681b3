package io.kafkaflows.admin;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lag gauges equal end offset minus committed offset after a known produce and commit; the Kafka clients' own
 * metrics and the broker health check are exported; Kafka down makes health DOWN.
 */
class MonitoringTest extends KafkaTestSupport {

    @Test
    void lagGaugeEqualsEndMinusCommittedAndClientMetricsAreExported() throws Exception {
        String topic = createTopic(unique("monitor-topic"), 1);
        for (int i = 0; i < 7; i++) {
            produce(topic, "k", "v" + i);
        }
        String watched = unique("monitor-group");
        admin().alterConsumerGroupOffsets(watched, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3))).all().get();
        Properties props = appProperties();
        props.setProperty("flows.monitor.groups", watched);
        props.setProperty("flows.monitor.lag-interval", "500");
        try (InProcessApp app = InProcessApp.start(props)) {
            String management = app.property("camel.management.port");
            Pattern lag = Pattern.compile("kafkaflows_consumer_lag\\{group=\"" + watched + "\",partition=\"0\",topic=\""
                    + topic + "\"} (\\S+)");
            await().atMost(Duration.ofSeconds(30)).until(() -> lag.matcher(app.get(management, "/observe/metrics").body()).find());
            String metrics = app.get(management, "/observe/metrics").body();
            Matcher m = lag.matcher(metrics);
            assertTrue(m.find());
            assertEquals(4.0, Double.parseDouble(m.group(1)), "7 records, 3 committed");
            assertTrue(metrics.contains("kafkaflows_topic_end_offset{partition=\"0\",topic=\"" + topic + "\"} 7.0"), metrics);
            assertTrue(metrics.contains("kafka_consumer_"), "the Kafka consumers' own metrics");
            assertTrue(metrics.contains("kafka_producer_") || metrics.contains("kafka_consumer_fetch_manager"), "Kafka client metrics");
            assertTrue(org.apache.camel.health.HealthCheckHelper.getHealthCheckRegistry(app.context())
                    .getCheck("kafka-brokers").isPresent(), "broker health check registered");
            assertEquals(200, app.get(management, "/observe/health").statusCode());
        }
    }

    @Test
    void healthIsDownWhenKafkaIsUnreachable() {
        Properties props = appProperties();
        props.setProperty("camel.component.kafka.brokers", "127.0.0.1:" + io.kafkaflows.testsupport.FreePorts.next());
        props.setProperty("camel.main.shutdown-timeout", "3");
        props.setProperty("flows.topics.timeout-ms", "2000");
        try (InProcessApp app = InProcessApp.start(props)) {
            String management = app.property("camel.management.port");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(management, "/observe/health").statusCode() == 503);
            assertTrue(app.get(management, "/observe/health?data=true").body().contains("Kafka brokers not reachable"));
        }
    }

    /** Every metric the Grafana dashboard and the alert rules in monitoring/ query is one the app really exports. */
    @Test
    void dashboardAndAlertsUseOnlyExportedMetrics() throws Exception {
        Properties props = appProperties();
        String topic = createTopic(props.getProperty("flows.consumer.topic"), 1);
        props.setProperty("flows.consumer.dlq-topic", createTopic(unique("monitor-dead"), 1));
        props.setProperty("flows.monitor.lag-interval", "500");
        try (InProcessApp app = InProcessApp.start(props)) {
            produce(topic, "k", "not json");
            String management = app.property("camel.management.port");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String metrics = app.get(management, "/observe/metrics").body();
                return metrics.contains("kafkaflows_dlq_records_total") && metrics.contains("kafkaflows_consumer_lag{");
            });
            String metrics = app.get(management, "/observe/metrics").body();
            java.util.Set<String> used = new java.util.TreeSet<>();
            Pattern name = Pattern.compile("\\b((?:kafkaflows|camel|kafka)_[a-z_]+)\\b");
            for (String file : List.of("monitoring/grafana-dashboard.json", "monitoring/alert-rules.yml")) {
                Matcher m = name.matcher(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
            assertTrue(used.size() >= 5, "metrics found in monitoring/: " + used);
            for (String metric : used) {
                assertTrue(Pattern.compile("(?m)^" + metric + "[{ ]").matcher(metrics).find(), metric + " is not exported");
            }
        }
    }
}
