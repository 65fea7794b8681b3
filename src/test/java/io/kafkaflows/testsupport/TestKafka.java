package io.kafkaflows.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
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
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import static org.awaitility.Awaitility.await;

/**
 * The test side's clients of one Kafka under test (the plain broker, the secured broker or a cluster): an admin
 * client and producer made on first use, independent readers, offset queries. Built by {@link KafkaTestSupport},
 * which owns the brokers; {@code clientProperties} carry the bootstrap servers and, if any, the security settings.
 */
public final class TestKafka implements AutoCloseable {

    private final Map<String, String> clientProperties;
    private final short replication;
    private Admin admin;
    private Producer<byte[], byte[]> producer;

    /** {@code replication} of the topics it creates; 0: the brokers' default. */
    TestKafka(Map<String, String> clientProperties, int replication) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.replication = (short) replication;
    }

    public String bootstrapServers() {
        return clientProperties.get("bootstrap.servers");
    }

    /** Bootstrap servers plus security: a base for any client of this Kafka. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        return props;
    }

    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientProperties());
        }
        return admin;
    }

    public String createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            NewTopic topic = replication > 0 ? new NewTopic(name, partitions, replication)
                    : new NewTopic(name, Optional.of(partitions), Optional.empty());
            admin().createTopics(List.of(topic.configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin().describeTopics(List.of(name))
                    .allTopicNames().get(30, TimeUnit.SECONDS).get(name).partitions().stream().allMatch(p -> p.leader() != null));
            return name;
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    public synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = clientProperties();
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

    /**
     * Writes the records and waits for the broker's acknowledgement of each, for as long as the producer retries
     * (its delivery timeout, 2 minutes): a broker paused or restarting under a fault test delays the writes, it does
     * not fail them.
     */
    public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
        try {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                futures.add(producer().send(record));
            }
            List<RecordMetadata> written = new ArrayList<>();
            for (Future<RecordMetadata> f : futures) {
                written.add(f.get(150, TimeUnit.SECONDS));
            }
            return written;
        } catch (Exception e) {
            throw new IllegalStateException("produce failed", e);
        }
    }

    /**
     * Reads a whole topic from the beginning with an independent consumer (no group), until {@code expected}
     * records arrived or {@code timeout} passed; returns what it read. {@code isolation}: read_committed or
     * read_uncommitted. It stops at {@code expected}, so it cannot see a late duplicate: to count (exactly once, no
     * duplicates), wait until the work is done and use {@link #readToEnd}.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = reader(isolation)) {
            List<TopicPartition> partitions = assignAll(consumer, topic, Duration.ofSeconds(30));
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads a whole topic from the beginning up to its end offsets (as of now) with an independent consumer. */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(60);
        try (KafkaConsumer<byte[], byte[]> consumer = reader(isolation)) {
            List<TopicPartition> partitions = assignAll(consumer, topic, timeout);
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

    /**
     * Waits until no open transaction holds back what read_committed readers see of the topic (last stable offsets
     * equal the end offsets). A transaction's commit returns before the coordinator has written its markers to every
     * partition, and a dead producer's transaction stays open until the coordinator aborts it on timeout.
     */
    public void awaitTransactionsDecided(String topic, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> stableOffsetTotal(topic) == endOffsetTotal(topic));
    }

    private KafkaConsumer<byte[], byte[]> reader(String isolation) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static List<TopicPartition> assignAll(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        return partitions;
    }

    /** The group's committed offsets on the topic (missing partitions: nothing committed). */
    public Map<Integer, Long> committed(String groupId, String topic) {
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

    /** How many members the consumer group has now (0 if it does not exist). */
    public int groupMembers(String groupId) {
        try {
            return admin().describeConsumerGroups(List.of(groupId)).all().get(30, TimeUnit.SECONDS).get(groupId).members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw new IllegalStateException("could not describe group " + groupId, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not describe group " + groupId, e);
        }
    }

    /** Sum of the end offsets of all partitions of the topic. */
    public long endOffsetTotal(String topic) {
        return endOffsetTotal(topic, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Sum of the last stable offsets of the topic (what a read_committed reader reads up to): it moves past a
     * transaction's records once that transaction is committed or aborted.
     */
    public long stableOffsetTotal(String topic) {
        return endOffsetTotal(topic, IsolationLevel.READ_COMMITTED);
    }

    private long endOffsetTotal(String topic, IsolationLevel isolation) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin().listOffsets(request, new ListOffsetsOptions(isolation)).all().get(30, TimeUnit.SECONDS)
                    .values().stream().mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("could not read end offsets of " + topic, e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
            producer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
