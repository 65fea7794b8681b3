package io.kafkaflows.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.testsupport.SecureKafkaApp;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The app misconfigured against the secured broker, one fault at a time: wrong password, unknown user, missing topic,
 * group and transactional-id ACLs, an untrusted server certificate, a plaintext client on the TLS port, a DLQ topic
 * it may not write. Each ends in a clear error within 90 s (typically 5-30 s): a log line naming the cause and health
 * DOWN with the reason; the failure is not retried in a storm (bounded log lines over 8 s once DOWN) and no offset is
 * committed.
 */
class SecurityFailuresTest extends KafkaTestSupport {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final Duration OBSERVED = Duration.ofSeconds(8);

    private static TestKafka kafka;
    private static String user;
    private static String password;
    private static String prefix;

    @BeforeAll
    static void appUserWithAllFlowAcls() {
        kafka = secureKafka();
        user = unique("app");
        password = "pw-" + unique("s");
        createScramUser(user, password);
        prefix = unique("sec") + ".";
        SecureKafkaApp.grant(kafka.admin(), SecureKafkaApp.allFlows(user, prefix));
    }

    /** App settings as the ACL'd user, with its consumer and exactly-once inputs holding one record each. */
    private static Properties app() {
        Properties props = SecureKafkaApp.underPrefix(secureAppProperties(user, password), prefix);
        props.setProperty("flows.dlq.topic", prefix + unique("dead-letter"));
        props.setProperty("flows.window.enabled", "false");
        props.setProperty("flows.topics.timeout-ms", "3000");
        props.setProperty("camel.main.shutdown-timeout", "5");
        return props;
    }

    private static void fillInputs(Properties props) {
        for (String key : List.of("flows.consumer.topic", "flows.eos.input-topic", "flows.eos.output-topic", "flows.dlq.topic")) {
            if (props.getProperty(key).startsWith(prefix)) {
                kafka.createTopic(props.getProperty(key), 1, Map.of());
            }
        }
        kafka.produce(List.of(new ProducerRecord<>(props.getProperty("flows.consumer.topic"), bytes("k"), bytes("not json")),
                new ProducerRecord<>(props.getProperty("flows.eos.input-topic"), bytes("k"), bytes("{\"id\":1}"))));
    }

    /**
     * Starts the app, waits (bounded) for health check {@code check} DOWN with {@code reason}, checks the log for
     * {@code logLine}, that lines containing {@code repeated} stay at most {@code maxRepeats} over 8 s, and that
     * the failing {@code flow} (consumer or eos) committed no offset.
     */
    private static void failsClearly(Properties props, String flow, String check, String reason, String logLine, String repeated,
            int maxRepeats) {
        fillInputs(props);
        try (LogCapture log = LogCapture.of(""); InProcessApp app = InProcessApp.start(props)) {
            String management = app.property("camel.management.port");
            await().atMost(BOUND).until(() -> {
                String health = app.get(management, "/observe/health?data=true").body();
                return health.contains("\"name\":\"" + check + "\",\"status\":\"DOWN\"") && health.contains(reason);
            });
            await().atMost(BOUND).until(() -> log.lines().stream().anyMatch(l -> l.contains(logLine)));
            long atDown = count(log, repeated);
            await().during(OBSERVED).atMost(OBSERVED.plusSeconds(5)).until(() -> count(log, repeated) - atDown <= maxRepeats);
            System.out.printf("security fault %s: '%s' logged %d times in the %d s after DOWN%n", check, repeated,
                    count(log, repeated) - atDown, OBSERVED.toSeconds());
            String topicKey = flow.equals("eos") ? "flows.eos.input-topic" : "flows.consumer.topic";
            assertEquals(Map.of(), kafka.committed(props.getProperty("flows." + flow + ".group-id"), props.getProperty(topicKey)),
                    "nothing committed");
        }
    }

    private static long count(LogCapture log, String text) {
        return log.lines().stream().filter(l -> l.contains(text)).count();
    }

    private static String withPassword(Properties props, String userName, String pw) {
        return props.getProperty("camel.component.kafka.sasl-jaas-config")
                .replace("username=\"" + user + "\"", "username=\"" + userName + "\"").replace(password, pw);
    }

    @Test
    void wrongPassword() {
        Properties props = app();
        props.setProperty("camel.component.kafka.sasl-jaas-config", withPassword(props, user, "not-" + password));
        // each client reconnects at most once a second (Kafka's reconnect.backoff.max.ms): about 3 clients here
        failsClearly(props, "consumer", "kafka-brokers", "invalid credentials with SASL mechanism SCRAM-SHA-512",
                "failed authentication due to: Authentication failed", "failed authentication", 40);
    }

    @Test
    void unknownUser() {
        Properties props = app();
        props.setProperty("camel.component.kafka.sasl-jaas-config", withPassword(props, unique("nobody"), password));
        failsClearly(props, "consumer", "kafka-brokers", "invalid credentials with SASL mechanism SCRAM-SHA-512",
                "failed authentication due to: Authentication failed", "failed authentication", 40);
    }

    @Test
    void missingTopicAcl() {
        Properties props = app();
        props.setProperty("flows.consumer.topic", kafka.createTopic(unique("no-acl-topic"), 1, Map.of()));
        failsClearly(props, "consumer", "kafka-access", "consumer-records=TopicAuthorizationException",
                "Kafka denied route consumer-records access", "Kafka denied route", 0);
    }

    @Test
    void missingGroupAcl() {
        Properties props = app();
        props.setProperty("flows.consumer.group-id", unique("no-acl-group"));
        failsClearly(props, "consumer", "kafka-access", "consumer-records=GroupAuthorizationException",
                "Kafka denied route consumer-records access", "Kafka denied route", 0);
    }

    /** Fatal for the exactly-once flow: the route stops, nothing reaches its output. */
    @Test
    void missingTransactionalIdAcl() {
        Properties props = app();
        props.setProperty("flows.eos.transactional-id", unique("no-acl-tx"));
        failsClearly(props, "eos", "kafka-access", "exactly-once=TransactionalIdAuthorizationException",
                "Kafka denied route exactly-once access", "Kafka denied route", 0);
        assertEquals(0, kafka.readAll(props.getProperty("flows.eos.output-topic"), "read_uncommitted", 1, Duration.ofSeconds(2)).size());
    }

    @Test
    void untrustedServerCertificate() {
        Properties props = app();
        props.setProperty("camel.component.kafka.ssl-truststore-location", secureBroker().security().untrustedTruststore().toString());
        failsClearly(props, "consumer", "kafka-brokers", "SslAuthenticationException: SSL handshake failed",
                "failed authentication due to: SSL handshake failed", "SSL handshake failed", 40);
    }

    @Test
    void plaintextClientOnTheTlsPort() {
        Properties props = app();
        props.setProperty("camel.component.kafka.security-protocol", "PLAINTEXT");
        failsClearly(props, "consumer", "kafka-brokers", "security.protocol=PLAINTEXT",
                "Kafka brokers not reachable", "disconnected", 80);
    }

    /** The bad record cannot be dead-lettered: the consumer flow holds it (nothing committed) and retries slowly. */
    @Test
    void deadLetterTopicNotWritable() {
        Properties props = app();
        props.setProperty("flows.dlq.topic", kafka.createTopic(unique("no-acl-dlq"), 1, Map.of()));
        failsClearly(props, "consumer", "dead-letter", "is not writable: TopicAuthorizationException",
                "is not writable", "is not writable (", 3);
    }
}
