package io.kafkaflows.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.HttpSinkServer;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No loss with poison in the stream across crashes: 5,000 records over 3 partitions, every 10th not JSON; the app
 * (packaged jar, child process) is SIGKILLed twice at random points and restarted. At the end every input is either
 * processed (HTTP sink) or dead-lettered, never both, never neither; duplicates only from at-least-once re-reads.
 */
class DeadLetterCrashIT extends KafkaTestSupport {

    @Test
    void everyRecordIsProcessedOrDeadLetteredAcrossKills() {
        String topic = createTopic(unique("dlq-crash"), 3);
        String dlq = createTopic(unique("dlq-crash-dead"), 1);
        String group = unique("dlq-crash-group");
        int total = 5000;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String value = i % 10 == 0 ? "poison-" + i : "{\"id\":" + i + "}";
            records.add(new ProducerRecord<>(topic, bytes("k" + i), bytes(value)));
        }
        produce(records);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Map<String, String> settings = childAppSettings(topic, group);
        settings.put("flows.consumer.dlq-topic", dlq);
        settings.put("flows.errors.initial-delay", "10");
        settings.put("flows.errors.max-delay", "50");
        try (HttpSinkServer sink = new HttpSinkServer()) {
            Map<String, String> env = Map.of("FLOWS_CONSUMER_SINK", sink.uri());
            for (int round = 0; round < 2; round++) {
                int killAt = sink.received().size() + 300 + random.nextInt(1200);
                try (AppProcess app = AppProcess.start(unique("dlq-crash-" + round), settings, env)) {
                    await().atMost(Duration.ofSeconds(120)).until(() -> sink.received().size() >= killAt);
                    app.kill();
                }
            }
            try (AppProcess last = AppProcess.start(unique("dlq-crash-final"), settings, env)) {
                await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(group, topic) == total);
                last.stop();
            }
            Map<Integer, Integer> processed = new HashMap<>();
            sink.received().forEach(b -> processed.merge(Integer.parseInt(b.replaceAll("\\D", "")), 1, Integer::sum));
            Map<Integer, Integer> dead = new HashMap<>();
            List<ConsumerRecord<byte[], byte[]>> dlqRecords = readAll(dlq, "read_committed", (int) endOffsetTotal(dlq), Duration.ofSeconds(60));
            for (ConsumerRecord<byte[], byte[]> r : dlqRecords) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                dead.merge(Integer.parseInt(value.substring("poison-".length())), 1, Integer::sum);
            }
            Set<Integer> missing = new TreeSet<>();
            Set<Integer> both = new TreeSet<>();
            for (int i = 0; i < total; i++) {
                if (!processed.containsKey(i) && !dead.containsKey(i)) {
                    missing.add(i);
                }
                if (processed.containsKey(i) && dead.containsKey(i)) {
                    both.add(i);
                }
            }
            int processedDuplicates = sink.received().size() - processed.size();
            int deadDuplicates = dlqRecords.size() - dead.size();
            System.out.printf("dead-letter crash test (seed %d): %d inputs (%d poison); processed %d distinct (%d duplicates);"
                            + " dead-lettered %d distinct (%d duplicates); missing %d; in both %d%n", seed, total, total / 10,
                    processed.size(), processedDuplicates, dead.size(), deadDuplicates, missing.size(), both.size());
            assertTrue(missing.isEmpty(), "missing: " + missing);
            assertTrue(both.isEmpty(), "processed and dead-lettered: " + both);
            assertEquals(total - total / 10, processed.size());
            assertEquals(total / 10, dead.size());
        }
    }
}
