package io.kafkaflows.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.broker.BrokerSecurity;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import io.kafkaflows.broker.KafkaClusterLauncher;
import io.kafkaflows.broker.TestBrokerLauncher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Base class of every test that needs Kafka: starts real brokers through the project's {@link KafkaBrokerLauncher}
 * (as {@link TestBrokerLauncher}s: separate JVMs, so tests may kill them) and owns the test side's clients
 * ({@link TestKafka}). The plain broker (one per test JVM) backs the static helpers below; {@link #secureKafka()} is
 * a second broker with SASL_SSL, mutual TLS and ACLs (also one per JVM); {@link #startCluster(int)} gives a test
 * its own multi-node cluster.
 * Tests use unique topic, group and user names ({@link #unique(String)}).
 */
public abstract class KafkaTestSupport {

    private static TestBrokerLauncher broker;
    private static TestKafka plain;
    private static TestBrokerLauncher secureBroker;
    private static TestKafka secure;

    protected static synchronized TestBrokerLauncher broker() {
        if (broker == null) {
            broker = new TestBrokerLauncher(KafkaBrokerLauncher.defaultLibDir(), testDir("broker"), 0).start();
            plain = new TestKafka(Map.of("bootstrap.servers", broker.bootstrapServers()), 1);
            Runtime.getRuntime().addShutdownHook(new Thread(KafkaTestSupport::shutdown, "test-broker-shutdown"));
        }
        return broker;
    }

    /** The plain broker's clients. */
    protected static TestKafka kafka() {
        broker();
        return plain;
    }

    /** The secured broker (SASL_SSL with SCRAM, mutual TLS, StandardAuthorizer, no access without an ACL). */
    protected static synchronized TestBrokerLauncher secureBroker() {
        if (secureBroker == null) {
            broker();
            Path dir = testDir("secure-broker");
            BrokerSecurity security = BrokerSecurity.selfSigned(dir.resolve("tls"), "admin-" + UUID.randomUUID(), Map.of());
            secureBroker = new TestBrokerLauncher(KafkaBrokerLauncher.defaultLibDir(), dir, 0, "512m", Map.of())
                    .secured(security).start();
            Map<String, String> props = new HashMap<>(security.clientProperties(BrokerSecurity.ADMIN, security.password(BrokerSecurity.ADMIN)));
            props.put("bootstrap.servers", secureBroker.bootstrapServers());
            secure = new TestKafka(props, 1);
        }
        return secureBroker;
    }

    /** Clients of the secured broker, authenticated as its super user. */
    protected static TestKafka secureKafka() {
        secureBroker();
        return secure;
    }

    /** Adds a SCRAM-SHA-512 and -256 user to the secured broker (no ACLs: it may do nothing yet). */
    protected static void createScramUser(String user, String password) {
        try {
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256)) {
                secureKafka().admin().alterUserScramCredentials(List.of(
                        new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, 4096), password)))
                        .all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create SCRAM user " + user, e);
        }
    }

    /**
     * {@link #appProperties()} pointed at the secured broker as {@code user}: every {@code camel.component.kafka.*}
     * security setting (SASL_SSL, SCRAM-SHA-512, truststore, keystore for mutual TLS).
     */
    protected static Properties secureAppProperties(String user, String password) {
        Properties props = appProperties();
        props.setProperty("camel.component.kafka.brokers", secureBroker().bootstrapServers());
        BrokerSecurity security = secureBroker.security();
        props.setProperty("camel.component.kafka.security-protocol", "SASL_SSL");
        props.setProperty("camel.component.kafka.sasl-mechanism", "SCRAM-SHA-512");
        props.setProperty("camel.component.kafka.sasl-jaas-config", security.clientProperties(user, password).get("sasl.jaas.config"));
        props.setProperty("camel.component.kafka.ssl-truststore-location", security.truststore().toString());
        props.setProperty("camel.component.kafka.ssl-truststore-password", security.storePassword());
        props.setProperty("camel.component.kafka.ssl-truststore-type", "PKCS12");
        props.setProperty("camel.component.kafka.ssl-keystore-location", security.clientKeystore().toString());
        props.setProperty("camel.component.kafka.ssl-keystore-password", security.storePassword());
        props.setProperty("camel.component.kafka.ssl-keystore-type", "PKCS12");
        props.setProperty("camel.component.kafka.ssl-key-password", security.storePassword());
        return props;
    }

    /** A new cluster of {@code nodes} brokers (512 MB each) for one test class; the caller closes it. */
    protected static KafkaClusterLauncher startCluster(int nodes) {
        broker();
        return new KafkaClusterLauncher(KafkaBrokerLauncher.defaultLibDir(), testDir("cluster"), nodes, "512m").start();
    }

    /** Clients of brokers this code does not run (plaintext), creating topics with the brokers' default replication. */
    protected static TestKafka kafka(String bootstrapServers) {
        return new TestKafka(Map.of("bootstrap.servers", bootstrapServers), 0);
    }

    /** Clients of a cluster started by {@link #startCluster(int)} (topics created with replication factor 3). */
    protected static TestKafka kafka(KafkaClusterLauncher cluster) {
        return new TestKafka(Map.of("bootstrap.servers", cluster.bootstrapServers()), Math.min(3, cluster.size()));
    }

    /**
     * A single broker of one test class's own (512 MB), with extra server properties (e.g. group coordinator
     * settings the shared broker must not change); the caller stops it.
     */
    protected static TestBrokerLauncher startBroker(Map<String, String> serverProperties) {
        return new TestBrokerLauncher(KafkaBrokerLauncher.defaultLibDir(), testDir("own-broker"), 0, "512m",
                serverProperties).start();
    }

    /** Clients of a broker started by {@link #startBroker(Map)}. */
    protected static TestKafka kafka(KafkaBrokerLauncher ownBroker) {
        return new TestKafka(Map.of("bootstrap.servers", ownBroker.bootstrapServers()), 1);
    }

    private static Path testDir(String prefix) {
        return Path.of("target", "test-kafka", prefix + "-" + UUID.randomUUID());
    }

    protected static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    private static synchronized void shutdown() {
        if (plain != null) {
            plain.close();
        }
        if (secure != null) {
            secure.close();
        }
        if (secureBroker != null) {
            secureBroker.stop();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static Admin admin() {
        return kafka().admin();
    }

    protected static String createTopic(String name, int partitions) {
        return createTopic(name, partitions, Map.of());
    }

    protected static String createTopic(String name, int partitions, Map<String, String> configs) {
        return kafka().createTopic(name, partitions, configs);
    }

    protected static Producer<byte[], byte[]> producer() {
        return kafka().producer();
    }

    /** Writes the records and waits for the broker's acknowledgement of each. */
    protected static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
        return kafka().produce(records);
    }

    protected static RecordMetadata produce(String topic, String key, String value) {
        return produce(List.of(new ProducerRecord<>(topic, bytes(key), bytes(value)))).get(0);
    }

    protected static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    protected static String text(byte[] b) {
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** See {@link TestKafka#readAll}. */
    protected static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation, int expected, Duration timeout) {
        return kafka().readAll(topic, isolation, expected, timeout);
    }

    /** See {@link TestKafka#readToEnd}. */
    protected static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic, String isolation) {
        return kafka().readToEnd(topic, isolation);
    }

    /** The group's committed offsets on the topic (missing partitions: nothing committed). */
    protected static Map<Integer, Long> committed(String groupId, String topic) {
        return kafka().committed(groupId, topic);
    }

    protected static long committedTotal(String groupId, String topic) {
        return committed(groupId, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sum of the end offsets of all partitions of the topic. */
    protected static long endOffsetTotal(String topic) {
        return kafka().endOffsetTotal(topic);
    }

    /** See {@link TestKafka#stableOffsetTotal}. */
    protected static long stableOffsetTotal(String topic) {
        return kafka().stableOffsetTotal(topic);
    }

    /**
     * The window flow on tumbling 1 s windows without grace, the record timestamp as event time, and its input,
     * output and late topics created with one partition each.
     */
    protected static void tumblingOneSecondWindows(Properties props) {
        props.setProperty("flows.window.type", "tumbling");
        props.setProperty("flows.window.size", "PT1S");
        props.setProperty("flows.window.grace", "PT0S");
        props.setProperty("flows.window.time-field", "");
        for (String topic : List.of("input-topic", "output-topic", "late-topic")) {
            createTopic(props.getProperty("flows.window." + topic), 1);
        }
    }

    /** Properties for an app under test talking to the test broker, with its own free ports and no demo. */
    protected static Properties appProperties() {
        Properties props = new Properties();
        props.setProperty("camel.component.kafka.brokers", bootstrapServers());
        props.setProperty("camel.server.port", String.valueOf(FreePorts.next()));
        props.setProperty("camel.management.port", String.valueOf(FreePorts.next()));
        props.setProperty("flows.demo.enabled", "false");
        // unique groups and topics per test: nothing shared with another test or a previous run
        props.setProperty("flows.consumer.topic", unique("consumer-in"));
        props.setProperty("flows.consumer.group-id", unique("consumer-group"));
        props.setProperty("flows.transform.input-topic", unique("transform-in"));
        props.setProperty("flows.transform.output-topic", unique("transform-out"));
        props.setProperty("flows.transform.group-id", unique("transform-group"));
        props.setProperty("flows.producer.transactional-id", unique("producer-tx"));
        props.setProperty("flows.eos.input-topic", unique("eos-in"));
        props.setProperty("flows.eos.output-topic", unique("eos-out"));
        props.setProperty("flows.eos.group-id", unique("eos-group"));
        props.setProperty("flows.eos.transactional-id", unique("eos-tx"));
        props.setProperty("flows.window.input-topic", unique("window-in"));
        props.setProperty("flows.window.output-topic", unique("window-out"));
        props.setProperty("flows.window.late-topic", unique("window-late"));
        props.setProperty("flows.window.group-id", unique("window-group"));
        return props;
    }

    /**
     * -D settings for the packaged app as a child process: {@link #appProperties()} with the given consumer topic and
     * group, and a short session timeout so a killed member is noticed quickly and restarts stay fast.
     */
    protected static Map<String, String> childAppSettings(String consumerTopic, String consumerGroup) {
        Properties props = appProperties();
        props.setProperty("flows.consumer.topic", consumerTopic);
        props.setProperty("flows.consumer.group-id", consumerGroup);
        props.setProperty("camel.component.kafka.session-timeout-ms", "6000");
        props.setProperty("camel.component.kafka.heartbeat-interval-ms", "1000");
        Map<String, String> settings = new HashMap<>();
        props.stringPropertyNames().forEach(k -> settings.put(k, props.getProperty(k)));
        return settings;
    }
}
