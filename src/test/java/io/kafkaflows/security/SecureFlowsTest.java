package io.kafkaflows.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.testsupport.SecureKafkaApp;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole app against the secured broker (SASL_SSL, SCRAM-SHA-512, mutual TLS, ACLs required), configured only
 * through camel.component.kafka.*, as a user holding just the ACLs the flows need under one prefix: HTTP ingress
 * writes, the consumer flow commits, the exactly-once flow commits its output transactionally, a bad record reaches
 * the DLQ, the windowed aggregation (its changelog created by the app) emits a window, and health is UP.
 */
class SecureFlowsTest extends KafkaTestSupport {

    @Test
    void everyFlowWorksWithSaslSslAndMinimalAcls() {
        TestKafka kafka = secureKafka();
        String user = unique("app");
        String password = "pw-" + unique("s");
        createScramUser(user, password);
        String prefix = unique("sec") + ".";
        SecureKafkaApp.grant(kafka.admin(), SecureKafkaApp.allFlows(user, prefix));
        Properties props = SecureKafkaApp.underPrefix(secureAppProperties(user, password), prefix);
        String consumerTopic = kafka.createTopic(props.getProperty("flows.consumer.topic"), 1, Map.of());
        String eosIn = kafka.createTopic(props.getProperty("flows.eos.input-topic"), 1, Map.of());
        String eosOut = kafka.createTopic(props.getProperty("flows.eos.output-topic"), 1, Map.of());
        String dlq = kafka.createTopic(props.getProperty("flows.dlq.topic"), 1, Map.of());
        String ingress = kafka.createTopic(prefix + "ingress", 1, Map.of());
        String windowIn = kafka.createTopic(props.getProperty("flows.window.input-topic"), 1, Map.of());
        String windowOut = kafka.createTopic(props.getProperty("flows.window.output-topic"), 1, Map.of());
        kafka.createTopic(props.getProperty("flows.window.late-topic"), 1, Map.of());
        String consumerGroup = props.getProperty("flows.consumer.group-id");

        try (InProcessApp app = InProcessApp.start(props)) {
            var response = app.post("/api/topics/" + ingress + "/records", "application/json", "{\"key\":\"k\",\"value\":{\"n\":1}}");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(1, kafka.readAll(ingress, "read_committed", 1, Duration.ofSeconds(30)).size());

            kafka.produce(List.of(new ProducerRecord<>(consumerTopic, bytes("k"), bytes("{\"id\":1}")),
                    new ProducerRecord<>(consumerTopic, bytes("k"), bytes("not json")),
                    new ProducerRecord<>(eosIn, bytes("k"), bytes("{\"id\":2}"))));
            // one-minute windows: the second record closes the first one's window
            long start = System.currentTimeMillis() - 3_600_000;
            kafka.produce(List.of(new ProducerRecord<>(windowIn, 0, start, bytes("k"), bytes("{\"value\":1}")),
                    new ProducerRecord<>(windowIn, 0, start + 180_000, bytes("k"), bytes("{\"value\":2}"))));
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(consumerGroup, consumerTopic).getOrDefault(0, 0L) == 2);
            List<ConsumerRecord<byte[], byte[]>> out = kafka.readAll(eosOut, "read_committed", 1, Duration.ofSeconds(60));
            assertEquals(1, out.size());
            assertTrue(text(out.get(0).value()).contains("processedAt"), text(out.get(0).value()));
            assertEquals(1, kafka.readAll(dlq, "read_committed", 1, Duration.ofSeconds(30)).size(), "not json -> DLQ");
            assertEquals(1, kafka.readAll(windowOut, "read_committed", 1, Duration.ofSeconds(60)).size(),
                    "window emitted (changelog and transactions over SASL_SSL)");

            String management = app.property("camel.management.port");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(management, "/observe/health").statusCode() == 200);
        }
    }
}
