package io.kafkaflows.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.HttpSinkServer;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue flow across a SIGKILL (the packaged jar as child processes, one partition, four consumers each): instance
 * A's sink stops answering after 300 records, so A dies with a record in each consumer's hands and the rest of its
 * polls acquired; instance B (its own sink) then gets all of them once their locks (3 s) expire. Counted over both
 * sinks: every record, the four in hand among them; duplicates only the records A's sink took whose acknowledgement
 * A had not committed, at most its consumers times max-poll-records.
 */
class QueueCrashIT extends KafkaTestSupport {

    private static final int TOTAL = 2000;
    private static final int CONSUMERS = 4;
    private static final int PER_POLL = 20;

    private static Map<String, String> queueApp(String topic, String group, String sink) {
        Map<String, String> settings = new HashMap<>(childAppSettings(unique("queue-crash-idle"), unique("idle-group")));
        settings.put("flows.queue.enabled", "true");
        settings.put("flows.queue.topic", topic);
        settings.put("flows.queue.group-id", group);
        settings.put("flows.queue.concurrency", String.valueOf(CONSUMERS));
        settings.put("flows.queue.max-poll-records", String.valueOf(PER_POLL));
        settings.put("flows.queue.sink", sink);
        settings.put("flows.errors.max-redeliveries", "0");
        return settings;
    }

    private static Set<Integer> ids(List<String> bodies) {
        Set<Integer> ids = new HashSet<>();
        bodies.forEach(b -> ids.add(Integer.parseInt(b.replaceAll("\\D", ""))));
        return ids;
    }

    @Test
    void recordsInHandOfAKilledInstanceGoToAnotherOnceTheirLocksExpire() throws Exception {
        String topic = createTopic(unique("queue-crash"), 1);
        String group = unique("queue-crash-group");
        QueueFlowTest.lockRecordsFor(group, 3000);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            records.add(new ProducerRecord<>(topic, bytes("k" + i), bytes("{\"id\":" + i + "}")));
        }
        produce(records);
        try (HttpSinkServer sinkA = new HttpSinkServer(); HttpSinkServer sinkB = new HttpSinkServer()) {
            sinkA.holdAfter(300);
            try (AppProcess a = AppProcess.start(unique("queue-crash-a"), queueApp(topic, group, sinkA.uri()), Map.of())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> sinkA.held().size() == CONSUMERS);
                a.kill();
            }
            long killedAt = System.nanoTime();
            List<String> inHand = List.copyOf(sinkA.held());
            try (AppProcess b = AppProcess.start(unique("queue-crash-b"), queueApp(topic, group, sinkB.uri()), Map.of())) {
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    Set<Integer> all = ids(sinkA.received());
                    all.addAll(ids(sinkB.received()));
                    return all.size() == TOTAL;
                });
                b.stop();
            }
            Set<Integer> all = new TreeSet<>(ids(sinkA.received()));
            all.addAll(ids(sinkB.received()));
            Set<Integer> twice = new TreeSet<>(ids(sinkA.received()));
            twice.retainAll(ids(sinkB.received()));
            long deliveries = sinkA.received().size() + sinkB.received().size();
            System.out.printf("queue SIGKILL: %d records, A took %d and held %d, B took %d (%.1f s after the kill);"
                            + " %d deliveries, %d duplicates%n", TOTAL, sinkA.received().size(), inHand.size(),
                    sinkB.received().size(), (System.nanoTime() - killedAt) / 1e9, deliveries, deliveries - TOTAL);
            assertEquals(TOTAL, all.size(), "nothing missing");
            assertTrue(ids(sinkB.received()).containsAll(ids(inHand)), "the records A held went to B: " + inHand);
            assertEquals(twice.size(), deliveries - TOTAL, "the only duplicates are records both sinks took");
            assertTrue(twice.size() <= CONSUMERS * PER_POLL, "at most A's unacknowledged polls again: " + twice);
        }
    }
}
