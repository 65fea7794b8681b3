package io.kafkaflows.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A zombie cannot make output visible: two instances share the exactly-once flow's group; one is frozen (SIGSTOP)
 * mid-stream past the session timeout, the other takes over its partitions, then the frozen one resumes in the
 * middle of its transaction. Its commit is refused (stale group generation) and aborted; the output stays exactly
 * once.
 */
class ExactlyOnceZombieIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void frozenInstanceIsFencedAndOutputStaysExactlyOnce() throws Exception {
        int total = 20_000;
        String input = createTopic(unique("eos-zombie-in"), 3);
        String output = createTopic(unique("eos-zombie-out"), 3);
        String group = unique("eos-zombie-group");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            records.add(new ProducerRecord<>(input, bytes("key-" + (i % 30)), bytes("{\"seq\":" + i + "}")));
        }
        produce(records);

        Map<String, String> a = childAppSettings(unique("unused-consumer"), unique("unused-group"));
        a.put("flows.eos.input-topic", input);
        a.put("flows.eos.output-topic", output);
        a.put("flows.eos.group-id", group);
        a.put("flows.eos.max-records-per-transaction", "10");
        Map<String, String> b = new HashMap<>(a);
        a.put("flows.eos.transactional-id", unique("eos-zombie-a"));
        b.put("flows.eos.transactional-id", unique("eos-zombie-b"));
        b.put("camel.server.port", String.valueOf(io.kafkaflows.testsupport.FreePorts.next()));
        b.put("camel.management.port", String.valueOf(io.kafkaflows.testsupport.FreePorts.next()));

        try (AppProcess zombie = AppProcess.start(unique("eos-zombie-a"), a, Map.of());
             AppProcess survivor = AppProcess.start(unique("eos-zombie-b"), b, Map.of())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> members(group) == 2 && committedTotal(group, input) >= 2000);
            zombie.pause();
            long frozenAt = committedTotal(group, input);
            await().atMost(Duration.ofSeconds(60)).until(() -> members(group) == 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) > frozenAt + 1000);
            zombie.resume();
            await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(group, input) == total);
            String zombieLog = zombie.output();
            survivor.stop();
            zombie.stop();
            System.out.printf("zombie: frozen at committed offset %d; after resume it logged an abort: %s%n", frozenAt,
                    zombieLog.contains("Aborting transaction"));
            assertTrue(zombieLog.contains("Aborting transaction"), "the resumed zombie's transaction was aborted");
        }

        long readStart = System.nanoTime();
        List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
        long readMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readStart);
        Map<Integer, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            counts.merge(JSON.readTree(r.value()).get("seq").asInt(), 1, Integer::sum);
        }
        System.out.printf("zombie test: %d inputs, %d outputs read_committed, %d distinct; read to the end offsets in %d ms%n",
                total, out.size(), counts.size(), readMs);
        assertEquals(total, counts.size(), "nothing missing");
        assertEquals(total, out.size(), "nothing twice");
    }

    private static int members(String group) {
        return kafka().groupMembers(group);
    }
}
