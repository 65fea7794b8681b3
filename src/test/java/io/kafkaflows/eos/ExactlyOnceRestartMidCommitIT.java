package io.kafkaflows.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart after a SIGKILL in the middle of a commit goes on at once. The exactly-once app is frozen (SIGSTOP) at
 * random points until one lands after its transaction took the input offsets ({@code sendOffsetsToTransaction}) and
 * before it committed, then SIGKILLed: the group's offsets stay pending in the dead transaction, and a read_committed
 * consumer of the group cannot learn its position until that transaction is aborted. The restarted instance (same
 * transactional id) must fence and abort it itself, and commit new offsets well within transaction.timeout.ms (60 s),
 * not wait for the coordinator to time it out; the output stays exactly once.
 */
class ExactlyOnceRestartMidCommitIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** transaction.timeout.ms is 60 s: a restart that waits for the coordinator's abort takes longer than this. */
    private static final Duration PROGRESS_WITHIN = Duration.ofSeconds(20);

    @Test
    void restartFencesTheDeadTransactionInsteadOfWaitingForItsTimeout() throws Exception {
        int total = 60_000;
        String input = createTopic(unique("eos-midcommit-in"), 3);
        String output = createTopic(unique("eos-midcommit-out"), 3);
        String group = unique("eos-midcommit-group");
        String txId = unique("eos-midcommit-tx");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            records.add(new ProducerRecord<>(input, bytes("key-" + (i % 30)), bytes("{\"seq\":" + i + "}")));
        }
        produce(records);

        Map<String, String> settings = childAppSettings(unique("unused-consumer"), unique("unused-group"));
        settings.put("flows.eos.input-topic", input);
        settings.put("flows.eos.output-topic", output);
        settings.put("flows.eos.group-id", group);
        settings.put("flows.eos.transactional-id", txId);

        long committedAtKill;
        int probes;
        try (KafkaConsumer<byte[], byte[]> groupReader = groupReader(group);
             AppProcess first = AppProcess.start(unique("eos-midcommit-first"), settings, Map.of())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(input, 0), new TopicPartition(input, 1),
                    new TopicPartition(input, 2));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> committedTotal(group, input) >= 2000);
            int[] count = {0};
            await("a freeze between sendOffsetsToTransaction and the commit").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(23)).until(() -> {
                        count[0]++;
                        first.pause();
                        if (offsetsPending(groupReader, partitions) && transactionOngoing(txId)) {
                            return true;
                        }
                        first.resume();
                        return false;
                    });
            probes = count[0];
            first.kill();
            committedAtKill = committedTotal(group, input);
            assertTrue(offsetsPending(groupReader, partitions) && transactionOngoing(txId),
                    "precondition: the killed instance left its transaction open with the group's offsets in it");
            assertTrue(committedAtKill < total, "precondition: input left for the restarted instance");
        }

        long restartedAt = System.nanoTime();
        double stallSeconds;
        try (AppProcess second = AppProcess.start(unique("eos-midcommit-second"), settings, Map.of())) {
            // from the route's start: the JVM's boot (seconds on a busy machine) is not the flow's stall
            second.awaitLog("Started exactly-once", Duration.ofSeconds(120));
            long routeStartedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> committedTotal(group, input) > committedAtKill);
            stallSeconds = (System.nanoTime() - routeStartedAt) / 1e9;
            System.out.printf("restart mid-commit: killed after %d probes at committed offset %d; the restarted"
                    + " instance committed new offsets %.1f s after its route started (%.1f s after its JVM)%n",
                    probes, committedAtKill, stallSeconds, (System.nanoTime() - restartedAt) / 1e9);
            assertTrue(stallSeconds < PROGRESS_WITHIN.toSeconds(), String.format("the restarted instance made no"
                    + " progress for %.1f s (waited for the dead transaction to time out?)", stallSeconds));
            await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(group, input) == total);
            second.stop();
        }

        List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
        Map<Integer, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            counts.merge(JSON.readTree(r.value()).get("seq").asInt(), 1, Integer::sum);
        }
        long duplicates = counts.values().stream().filter(c -> c > 1).count();
        System.out.printf("restart mid-commit: %d inputs, %d outputs read_committed, %d distinct, %d duplicated%n",
                total, out.size(), counts.size(), duplicates);
        assertEquals(0, duplicates, "nothing twice");
        assertEquals(total, counts.size(), "nothing missing");
        assertEquals(total, out.size(), "exactly as many outputs as inputs");
    }

    /** A read_committed consumer of the group (not joining it) asks for its offsets, as a restarted member does. */
    private static KafkaConsumer<byte[], byte[]> groupReader(String group) {
        Properties props = kafka().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** Whether the group has offsets pending in an open transaction (its stable offsets cannot be read). */
    private static boolean offsetsPending(KafkaConsumer<byte[], byte[]> groupReader, List<TopicPartition> partitions) {
        try {
            groupReader.committed(Set.copyOf(partitions), Duration.ofMillis(300));
            return false;
        } catch (TimeoutException e) {
            return true;
        }
    }

    private static boolean transactionOngoing(String txId) throws Exception {
        return admin().listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                .anyMatch(t -> t.transactionalId().startsWith(txId) && t.state() == TransactionState.ONGOING);
    }
}
