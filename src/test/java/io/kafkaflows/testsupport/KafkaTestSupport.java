package io.kafkaflows.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.broker.KafkaBrokerLauncher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import static org.awaitility.Awaitility.await;

/**
 * Base class of every test that needs Kafka: starts one real broker per test JVM through the project's
 * {@link KafkaBrokerLauncher} (a separate JVM, so tests may kill it), and owns the test side's only admin client,
 * producer and readers. Tests use unique topic and group names ({@link #unique(String)}).
 */
public abstract class KafkaTestSupport {

    private static KafkaBrokerLauncher broker;
    private static Admin admin;
    private static Producer<byte[], byte[]> producer;

    protected static synchronized KafkaBrokerLauncher broker() {
        if (broker == null) {
            Path dataDir = Path.of("target", "test-kafka", "broker-" + UUID.randomUUID());
            broker = new KafkaBrokerLauncher(KafkaBrokerLauncher.defaultLibDir(), dataDir, 0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(KafkaTestSupport::shutdown, "test-broker-shutdown"));
        }
        return broker;
    }

    protected static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    private static synchronized void shutdown() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        if (broker != null) {
            broker.stop();
        }
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static synchronized Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            admin = Admin.create(props);
        }
        return admin;
    }

    protected static String createTopic(String name, int partitions) {
        return createTopic(name, partitions, Map.of());
    }

    protected static String createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin().describeTopics(List.of(name)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(name).partitions().stream().allMatch(p -> p.leader() != null));
            return name;
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    protected static synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            // seen here: idempotent batches racing a just-created partition's leadership got stuck retrying
            // OUT_OF_ORDER_SEQUENCE_NUMBER; one request in flight keeps the test producer's batches in order
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    /** Writes the records and waits for the broker's acknowledgement of each. */
    protected static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
        try {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                futures.add(producer().send(record));
            }
            List<RecordMetadata> written = new ArrayList<>();
            for (java.util.concurrent.Future<RecordMetadata> f : futures) {
                written.add(f.get(30, TimeUnit.SECONDS));
            }
            return written;
        } catch (Exception e) {
            throw new IllegalStateException("produce failed", e);
        }
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

    /**
     * Reads a whole topic from the beginning with an independent consumer (no group), until {@code expected}
     * records arrived or {@code timeout} passed; returns what it read. {@code isolation}: read_committed or
     * read_uncommitted.
     */
    protected static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads a whole topic from the beginning up to its end offsets (as of now) with an independent consumer. */
    protected static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(60);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " not read to its end offsets " + ends + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The group's committed offsets on the topic (missing partitions: nothing committed). */
    protected static Map<Integer, Long> committed(String groupId, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin().listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("could not read offsets of " + groupId, e);
        }
    }

    protected static long committedTotal(String groupId, String topic) {
        return committed(groupId, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sum of the end offsets of all partitions of the topic. */
    protected static long endOffsetTotal(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin().listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("could not read end offsets of " + topic, e);
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
