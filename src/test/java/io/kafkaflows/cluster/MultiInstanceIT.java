package io.kafkaflows.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.kafkaflows.broker.KafkaBrokerLauncher;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.FreePorts;
import io.kafkaflows.testsupport.HttpSinkServer;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three app processes (the packaged jar) in one consumer group per flow split 6 partitions while records keep
 * arriving: the at-least-once consumer flow (HTTP sink in the test) and the exactly-once flow (each instance its
 * own {@code flows.eos.transactional-id}). Each instance gets partitions and processes them; then one is SIGKILLed
 * and never restarted: its partitions move to the other two. The sink got every input at least once (duplicates
 * counted and printed), the exactly-once output holds every input exactly once (read_committed).
 * Run with the classic group protocol and CooperativeStickyAssignor
 * ({@code camel.component.kafka.partition-assignor}) and with KIP-848's {@code group.protocol=consumer}
 * ({@code camel.component.kafka.group-protocol=consumer}). The broker is this class's own, with the KIP-848
 * session timeout lowered from 45 s to 6 s (a broker setting in that protocol) so a dead member is noticed as fast
 * as with the classic protocol's client-side 6 s. The dead instance's open transaction blocks its partitions'
 * read_committed offsets until {@code transaction.timeout.ms}, lowered to 10 s for the test, so the output is read
 * once no transaction is open on it (last stable offsets equal the end offsets).
 */
class MultiInstanceIT extends KafkaTestSupport {

    private static final int PARTITIONS = 6;
    private static KafkaBrokerLauncher broker;
    private static TestKafka kafka;

    @BeforeAll
    static void startBroker() {
        broker = startBroker(Map.of(
                "group.consumer.min.session.timeout.ms", "3000",
                "group.consumer.session.timeout.ms", "6000",
                "group.consumer.min.heartbeat.interval.ms", "500",
                "group.consumer.heartbeat.interval.ms", "1000"));
        kafka = kafka(broker);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @ParameterizedTest(name = "group protocol {0}")
    @ValueSource(strings = {"classic", "consumer"})
    void partitionsSplitAndMoveWhenAnInstanceDies(String protocol) throws Exception {
        String consumerInput = kafka.createTopic(unique("multi-in"), PARTITIONS, Map.of());
        String consumerGroup = unique("multi-consumer-group");
        String eosInput = kafka.createTopic(unique("multi-eos-in"), PARTITIONS, Map.of());
        String eosOutput = kafka.createTopic(unique("multi-eos-out"), PARTITIONS, Map.of());
        String eosGroup = unique("multi-eos-group");
        Map<String, String> base = childAppSettings(consumerInput, consumerGroup);
        base.put("camel.component.kafka.brokers", broker.bootstrapServers());
        base.put("flows.eos.input-topic", eosInput);
        base.put("flows.eos.output-topic", eosOutput);
        base.put("flows.eos.group-id", eosGroup);
        base.put("flows.window.enabled", "false");
        // a dead instance's open transaction is aborted by the coordinator after this (default 60 s)
        base.put("camel.component.kafka.additional-properties[transaction.timeout.ms]", "10000");
        if (protocol.equals("consumer")) {
            base.put("camel.component.kafka.group-protocol", "consumer");
        } else {
            base.put("camel.component.kafka.partition-assignor", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        }

        long started = System.nanoTime();
        try (HttpSinkServer sink = new HttpSinkServer(); Load load = new Load(consumerInput, eosInput)) {
            List<AppProcess> apps = new ArrayList<>();
            List<String> txPrefixes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Map<String, String> settings = new HashMap<>(base);
                    settings.put("camel.server.port", String.valueOf(FreePorts.next()));
                    settings.put("camel.management.port", String.valueOf(FreePorts.next()));
                    txPrefixes.add(unique("multi-eos-tx-" + i));
                    settings.put("flows.eos.transactional-id", txPrefixes.get(i));
                    settings.put("flows.producer.transactional-id", unique("multi-producer-tx-" + i));
                    apps.add(AppProcess.start(unique("multi-" + protocol + "-" + i), settings, Map.of("FLOWS_CONSUMER_SINK", sink.uri())));
                }
                for (AppProcess app : apps) {
                    app.awaitLog("(kafka-flows) started in", Duration.ofSeconds(120));
                }
                for (String group : List.of(consumerGroup, eosGroup)) {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                            .until(() -> membersWithPartitions(group) == 3 && assigned(group).size() == PARTITIONS);
                    ConsumerGroupDescription d = describe(group);
                    System.out.printf("%s: group %s (%s, assignor %s): %s%n", protocol, group, d.type(),
                            d.partitionAssignor(), assignments(d));
                    assertEquals(protocol.equals("consumer") ? GroupType.CONSUMER : GroupType.CLASSIC, d.type());
                    if (protocol.equals("classic")) {
                        assertEquals("cooperative-sticky", d.partitionAssignor());
                    }
                }
                awaitEveryPartitionProgresses(consumerGroup, consumerInput);
                awaitEveryPartitionProgresses(eosGroup, eosInput);
                String txId = txPrefixes.get(0) + "-exactly-once";
                long txTimeout = kafka.admin().describeTransactions(List.of(txId)).all().get(10, TimeUnit.SECONDS)
                        .get(txId).transactionTimeoutMs();
                assertEquals(10_000L, txTimeout, "additional-properties[transaction.timeout.ms] reached the producer");

                long killed = System.nanoTime();
                int inputsAtKill = load.count();
                apps.get(0).kill();
                for (String group : List.of(consumerGroup, eosGroup)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                            .until(() -> describe(group).members().size() == 2 && membersWithPartitions(group) == 2
                                    && assigned(group).size() == PARTITIONS);
                    System.out.printf("%s: %s reassigned %d ms after the kill: %s%n", protocol, group,
                            (System.nanoTime() - killed) / 1_000_000, assignments(describe(group)));
                }
                awaitEveryPartitionProgresses(consumerGroup, consumerInput);
                System.out.printf("%s: every consumer-flow partition committed again %d ms after the kill%n", protocol,
                        (System.nanoTime() - killed) / 1_000_000);
                awaitEveryPartitionProgresses(eosGroup, eosInput);
                System.out.printf("%s: every exactly-once partition committed again %d ms after the kill%n", protocol,
                        (System.nanoTime() - killed) / 1_000_000);

                // the survivors carry on under load, not only drain what came before the kill
                await().atMost(Duration.ofSeconds(60)).until(() -> load.count() >= inputsAtKill + 1000);
                int total = load.stop();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> committedSum(consumerGroup, consumerInput) == total
                                && committedSum(eosGroup, eosInput) == total);
                // the dead instance's open transaction holds back what read_committed readers see of the output
                // partitions it wrote to (and the survivors' later records there) until the coordinator aborts it
                kafka.awaitTransactionsDecided(eosOutput, Duration.ofSeconds(60));
                List<String> expected = IntStream.range(0, total).mapToObj(String::valueOf).toList();
                Tally delivered = Tally.of(sink.received().stream().map(b -> Tally.json(b.getBytes()).path("id").asText()).toList());
                List<ConsumerRecord<byte[], byte[]>> output = kafka.readToEnd(eosOutput, "read_committed");
                Tally eos = Tally.ofRecords(output, "id");
                System.out.printf("%s: %d inputs per flow; consumer flow (at-least-once): %d deliveries, %d missing,"
                                + " %d duplicates; exactly-once: %d outputs read_committed, %d missing, %d duplicates;"
                                + " run %d s%n", protocol, total, sink.received().size(), delivered.missing(expected),
                        delivered.duplicates(), output.size(), eos.missing(expected), eos.duplicates(),
                        (System.nanoTime() - started) / 1_000_000_000);
                if (eos.missing(expected) > 0) {
                    printMissing(eosInput, eos);
                }
                assertEquals(0, delivered.missing(expected), "consumer flow: nothing lost");
                assertEquals(0, eos.missing(expected), "exactly-once: nothing missing");
                assertEquals(0, eos.duplicates(), "exactly-once: nothing twice");
                assertEquals(total, output.size());
            } finally {
                apps.forEach(AppProcess::stop);
            }
        }
    }

    /** Where the inputs missing from the output sit: offset ranges per input partition, with their timestamps. */
    private static void printMissing(String input, Tally output) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = kafka.readToEnd(input, "read_committed").stream()
                .filter(r -> output.count(Tally.json(r.value()).path("id").asText()) == 0)
                .collect(Collectors.groupingBy(ConsumerRecord::partition, TreeMap::new, Collectors.toList()));
        byPartition.forEach((partition, records) -> {
            StringBuilder ranges = new StringBuilder();
            long first = -1;
            long last = -2;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.offset() != last + 1) {
                    if (first >= 0) {
                        ranges.append(first).append('-').append(last).append(' ');
                    }
                    first = r.offset();
                }
                last = r.offset();
            }
            ranges.append(first).append('-').append(last);
            System.out.printf("missing from partition %d: %d records, offsets %s, written %s .. %s%n", partition,
                    records.size(), ranges, java.time.Instant.ofEpochMilli(records.get(0).timestamp()),
                    java.time.Instant.ofEpochMilli(records.get(records.size() - 1).timestamp()));
        });
    }

    /** Waits until every partition's committed offset has moved past where it is now (so each owner works). */
    private static void awaitEveryPartitionProgresses(String group, String topic) {
        Map<Integer, Long> now = kafka.committed(group, topic);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            Map<Integer, Long> later = kafka.committed(group, topic);
            return IntStream.range(0, PARTITIONS).allMatch(p -> later.getOrDefault(p, 0L) > now.getOrDefault(p, 0L));
        });
    }

    private static long committedSum(String group, String topic) {
        return kafka.committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return kafka.admin().describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    }

    private static long membersWithPartitions(String group) throws Exception {
        return describe(group).members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    }

    private static Set<TopicPartition> assigned(String group) throws Exception {
        return describe(group).members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                .collect(Collectors.toSet());
    }

    private static List<Set<Integer>> assignments(ConsumerGroupDescription d) {
        return d.members().stream().map(MemberDescription::assignment)
                .map(a -> a.topicPartitions().stream().map(TopicPartition::partition)
                        .collect(Collectors.toCollection(TreeSet::new)))
                .map(s -> (Set<Integer>) s).toList();
    }

    /** Writes {@code {"id":"<n>"}} to both inputs, 10 records each every 100 ms, until stopped. */
    private static final class Load implements AutoCloseable {

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger next = new AtomicInteger();
        private volatile RuntimeException failure;

        Load(String... topics) {
            timer.scheduleAtFixedRate(() -> {
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int id = next.getAndIncrement();
                    for (String topic : topics) {
                        records.add(new ProducerRecord<>(topic, bytes("k" + id), bytes("{\"id\":\"" + id + "\"}")));
                    }
                }
                try {
                    kafka.produce(records);
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        /** How many records each input got so far. */
        int count() {
            return next.get();
        }

        /** Stops writing; returns how many records each input got. */
        int stop() throws InterruptedException {
            timer.shutdown();
            assertTrue(timer.awaitTermination(60, TimeUnit.SECONDS), "load stopped");
            if (failure != null) {
                throw new IllegalStateException("the load generator failed: the inputs are not what it counted", failure);
            }
            return next.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
