package io.kafkaflows.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.testsupport.SecureKafkaApp;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACLs as code on the secured broker: an app run by the super user reconciles the documented minimal ACL set of
 * the consumer and exactly-once flows for an application user (declared as flows.acls.* with placeholders), and
 * serves them on /api/acls (list, add, delete). Then the app run as that user, holding only those literal ACLs,
 * consumes and commits, and writes its exactly-once output.
 */
class AclsAsCodeTest extends KafkaTestSupport {

    private static void declare(Properties props, String name, String principal, String type, String resource,
            String patternType, String operations) {
        String key = "flows.acls." + name + ".";
        props.setProperty(key + "principal", principal);
        props.setProperty(key + "resource-type", type);
        props.setProperty(key + "resource-name", resource);
        props.setProperty(key + "pattern-type", patternType);
        props.setProperty(key + "operations", operations);
    }

    @Test
    void declaredAclsAreCreatedServedAndSufficient() throws Exception {
        TestKafka kafka = secureKafka();
        String user = unique("orders-app");
        String password = "pw-" + unique("s");
        createScramUser(user, password);
        String principal = "User:" + user;

        Properties admin = secureAppProperties("admin", secureBroker().security().password("admin"));
        admin.setProperty("flows.window.enabled", "false");
        admin.setProperty("flows.dlq.topic", unique("acl-dead-letter"));
        for (String key : List.of("flows.consumer.topic", "flows.eos.input-topic", "flows.eos.output-topic", "flows.dlq.topic")) {
            kafka.createTopic(admin.getProperty(key), 1, Map.of());
        }
        // the minimal sets of docs/deployment.md, "The ACLs each flow needs": consumer flow, exactly-once flow
        declare(admin, "consumer-in", principal, "TOPIC", "{{flows.consumer.topic}}", "LITERAL", "READ");
        declare(admin, "consumer-group", principal, "GROUP", "{{flows.consumer.group-id}}", "LITERAL", "READ");
        declare(admin, "dead-letter", principal, "TOPIC", "{{flows.dlq.topic}}", "LITERAL", "WRITE");
        declare(admin, "eos-in", principal, "TOPIC", "{{flows.eos.input-topic}}", "LITERAL", "READ");
        declare(admin, "eos-out", principal, "TOPIC", "{{flows.eos.output-topic}}", "LITERAL", "WRITE");
        declare(admin, "eos-group", principal, "GROUP", "{{flows.eos.group-id}}", "LITERAL", "READ");
        declare(admin, "eos-tx", principal, "TRANSACTIONAL_ID", "{{flows.eos.transactional-id}}", "PREFIXED", "WRITE");

        try (InProcessApp app = InProcessApp.start(admin)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> aclCount(kafka, user) == 7);
            String acls = app.get(app.property("camel.server.port"), "/api/acls?principal=" + principal).body();
            assertTrue(acls.contains("\"resourceName\":\"" + admin.getProperty("flows.eos.input-topic") + "\""), acls);
            var added = app.post("/api/acls", "application/json", "{\"principal\":\"" + principal
                    + "\",\"resourceType\":\"TOPIC\",\"resourceName\":\"extra\",\"operations\":[\"READ\"]}");
            assertEquals(201, added.statusCode(), added.body());
            // the broker applies ACL changes from the metadata log a moment after the call returns
            await().atMost(Duration.ofSeconds(30)).until(() -> aclCount(kafka, user) == 8);
            var deleted = app.send(java.net.http.HttpRequest.newBuilder(app.uri(app.property("camel.server.port"),
                    "/api/acls?principal=" + principal + "&resourceName=extra")).DELETE());
            assertEquals(200, deleted.statusCode(), deleted.body());
            await().atMost(Duration.ofSeconds(30)).until(() -> aclCount(kafka, user) == 7);
        }

        Properties asUser = secureAppProperties(user, password);
        for (String key : List.of("flows.consumer.topic", "flows.consumer.group-id", "flows.eos.input-topic",
                "flows.eos.output-topic", "flows.eos.group-id", "flows.eos.transactional-id", "flows.dlq.topic")) {
            asUser.setProperty(key, admin.getProperty(key));
        }
        asUser.setProperty("flows.window.enabled", "false");
        kafka.produce(List.of(new ProducerRecord<>(asUser.getProperty("flows.consumer.topic"), bytes("k"), bytes("{\"id\":1}")),
                new ProducerRecord<>(asUser.getProperty("flows.consumer.topic"), bytes("k"), bytes("not json")),
                new ProducerRecord<>(asUser.getProperty("flows.eos.input-topic"), bytes("k"), bytes("{\"id\":2}"))));
        try (InProcessApp app = InProcessApp.start(asUser)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(asUser.getProperty("flows.consumer.group-id"),
                    asUser.getProperty("flows.consumer.topic")).getOrDefault(0, 0L) == 2);
            assertEquals(1, kafka.readAll(asUser.getProperty("flows.eos.output-topic"), "read_committed", 1, Duration.ofSeconds(60)).size());
            assertEquals(1, kafka.readAll(asUser.getProperty("flows.dlq.topic"), "read_committed", 1, Duration.ofSeconds(30)).size());
        }
    }

    private static int aclCount(TestKafka kafka, String user) throws Exception {
        return kafka.admin().describeAcls(SecureKafkaApp.anyOf(user)).values().get(30, TimeUnit.SECONDS).size();
    }
}
