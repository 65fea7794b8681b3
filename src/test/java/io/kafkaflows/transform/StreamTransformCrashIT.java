package io.kafkaflows.transform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The stream transform (outputs sent without waiting, offsets committed per poll after every send was
 * acknowledged) across crashes: 20,000 sequenced records over 3 partitions, the packaged app SIGKILLed twice at
 * random points and restarted. An independent read_committed reader finds every input in the output at least
 * once (0 missing); duplicates are counted.
 */
class StreamTransformCrashIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nothingLostAcrossKills() throws Exception {
        int total = 20_000;
        String input = createTopic(unique("transform-crash-in"), 3);
        String output = createTopic(unique("transform-crash-out"), 3);
        String group = unique("transform-crash-group");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            records.add(new ProducerRecord<>(input, bytes("key-" + (i % 30)), bytes("{\"seq\":" + i + ",\"text\":\"t\"}")));
        }
        produce(records);
        Map<String, String> settings = childAppSettings(unique("unused-consumer"), unique("unused-group"));
        settings.put("flows.transform.input-topic", input);
        settings.put("flows.transform.output-topic", output);
        settings.put("flows.transform.group-id", group);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 2; round++) {
            long killAt = Math.min(total - 1, committedTotal(group, input) + 2_000 + random.nextInt(5_000));
            try (AppProcess app = AppProcess.start(unique("transform-crash-" + round), settings, Map.of())) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> committedTotal(group, input) >= killAt);
                app.kill();
            }
            System.out.printf("transform crash test round %d: SIGKILL at committed offset %d%n", round, committedTotal(group, input));
        }
        try (AppProcess last = AppProcess.start(unique("transform-crash-final"), settings, Map.of())) {
            await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(group, input) == total);
            last.stop();
        }
        Map<Integer, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(output, "read_committed")) {
            counts.merge(JSON.readTree(r.value()).get("seq").asInt(), 1, Integer::sum);
        }
        long missing = total - counts.size();
        long duplicates = counts.values().stream().mapToLong(c -> c - 1).sum();
        System.out.printf("transform crash test (seed %d): %d inputs, 2 SIGKILLs, %d distinct outputs, %d missing,"
                + " %d duplicates%n", seed, total, counts.size(), missing, duplicates);
        assertEquals(0, missing, "at-least-once: nothing lost");
    }
}
