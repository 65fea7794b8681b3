package io.kafkaflows.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The launcher's secured broker: the super user works over SASL_SSL with mutual TLS (SCRAM-SHA-512 and -256); a user
 * with the right password but no ACL is refused by the authorizer; a wrong password is refused at authentication.
 */
class SecureBrokerTest extends KafkaTestSupport {

    @Test
    void superUserWorksOthersAreRefused() throws Exception {
        TestKafka kafka = secureKafka();
        String topic = kafka.createTopic(unique("secure"), 1, Map.of());
        kafka.produce(List.of(new ProducerRecord<>(topic, bytes("k"), bytes("v"))));
        assertEquals(1, kafka.readAll(topic, "read_committed", 1, Duration.ofSeconds(30)).size());

        String user = unique("user");
        createScramUser(user, "secret-" + user);
        try (Admin noAcl = Admin.create(as(user, "secret-" + user))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> noAcl.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        }
        Properties sha256 = as(BrokerSecurity.ADMIN, secureBroker().security().password(BrokerSecurity.ADMIN));
        sha256.put("sasl.mechanism", "SCRAM-SHA-256");
        try (Admin admin256 = Admin.create(sha256)) {
            assertEquals(1, admin256.describeCluster().nodes().get(30, TimeUnit.SECONDS).size(), "SCRAM-SHA-256 works too");
        }
        try (Admin wrongPassword = Admin.create(as(user, "not-the-password"))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> wrongPassword.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
    }

    private static Properties as(String user, String password) {
        Properties props = new Properties();
        props.putAll(secureBroker().security().clientProperties(user, password));
        props.put("bootstrap.servers", secureBroker().bootstrapServers());
        return props;
    }
}
