package io.kafkaflows.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The bench's topics: one layout ({@link #PARTITIONS} partitions, replication 1) for both sides of every pair. */
final class BenchTopics {

    static final int PARTITIONS = 6;

    private BenchTopics() {
    }

    /**
     * A fresh topic of the bench layout that flows and baselines write to, with one record ("prime", not JSON of the
     * bench's shape, so readers skip it) already acknowledged on each partition. Seen on this machine: an idempotent
     * producer writing to a just-created topic got NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER until its
     * batches expired; one acknowledged write per partition first avoids that race.
     */
    static String topic(Admin admin) throws Exception {
        String name = inputTopic(admin);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                .map(n -> n.host() + ":" + n.port()).findFirst().orElseThrow());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                producer.send(new ProducerRecord<>(name, partition, null, "\"prime\"".getBytes(StandardCharsets.UTF_8)))
                        .get(60, TimeUnit.SECONDS);
            }
        }
        return name;
    }

    /** The sum of the topic's end offsets. */
    static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** A fresh topic of the bench layout for input the bench fills itself (one request in flight, so no race). */
    static String inputTopic(Admin admin) throws Exception {
        return inputTopic(admin, PARTITIONS);
    }

    /** {@link #inputTopic(Admin)} with another partition count (the queue pairs: one partition). */
    static String inputTopic(Admin admin, int partitions) throws Exception {
        String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        // let the partitions get their leader before the first write
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name).partitions()
                        .stream().allMatch(p -> p.leader() != null)) {
                    break;
                }
            } catch (Exception notYet) {
                // describe can fail right after creation
            }
        }
        return name;
    }
}
