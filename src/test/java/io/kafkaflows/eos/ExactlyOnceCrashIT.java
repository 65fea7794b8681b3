package io.kafkaflows.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once across crashes: 20,000 sequenced records over 3 partitions through the exactly-once flow of the
 * packaged app (child process), SIGKILLed three times at random points and stopped once with SIGTERM, restarted
 * each time. An independent read_committed reader then finds every input exactly once in the output, each key's
 * records in order, the group's lag at 0 and no transaction of the flow left open.
 */
class ExactlyOnceCrashIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyInputExactlyOnceAcrossKills() throws Exception {
        int total = 20_000;
        String input = createTopic(unique("eos-crash-in"), 3);
        String output = createTopic(unique("eos-crash-out"), 3);
        String group = unique("eos-crash-group");
        String txId = unique("eos-crash-tx");
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
        settings.put("flows.eos.max-records-per-transaction", "50");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("exactly-once crash test seed " + seed);
        for (int round = 0; round < 4; round++) {
            long from = committedTotal(group, input);
            long stopAt = Math.min(total - 1, from + 1500 + random.nextInt(3000));
            try (AppProcess app = AppProcess.start(unique("eos-crash-" + round), settings, Map.of())) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> committedTotal(group, input) >= stopAt);
                if (round < 3) {
                    app.kill();
                } else {
                    app.stop();
                }
            }
            System.out.printf("round %d: %s at committed offset %d%n", round, round < 3 ? "SIGKILL" : "SIGTERM",
                    committedTotal(group, input));
        }
        try (AppProcess last = AppProcess.start(unique("eos-crash-final"), settings, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(group, input) == total);
            last.stop();
        }

        long readStart = System.nanoTime();
        List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
        long readMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readStart);
        Map<Integer, Integer> counts = new HashMap<>();
        Map<String, Integer> lastSeqByKey = new HashMap<>();
        int outOfOrder = 0;
        for (ConsumerRecord<byte[], byte[]> r : out) {
            JsonNode value = JSON.readTree(r.value());
            int seq = value.get("seq").asInt();
            counts.merge(seq, 1, Integer::sum);
            Integer previous = lastSeqByKey.put(text(r.key()), seq);
            if (previous != null && previous >= seq) {
                outOfOrder++;
            }
        }
        long duplicates = counts.values().stream().filter(c -> c > 1).count();
        long missing = total - counts.size();
        List<TransactionListing> open = admin().listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.transactionalId().startsWith(txId) && t.state() == TransactionState.ONGOING).toList();
        System.out.printf("exactly-once crash test (seed %d): %d inputs, %d outputs read_committed, %d distinct,"
                        + " %d duplicated, %d missing, %d out of order, lag %d, open transactions %d; read to the end"
                        + " offsets in %d ms%n", seed, total, out.size(), counts.size(), duplicates, missing, outOfOrder,
                endOffsetTotal(input) - committedTotal(group, input), open.size(), readMs);
        assertEquals(total, out.size(), "exactly as many outputs as inputs");
        assertEquals(0, duplicates);
        assertEquals(0, missing);
        assertEquals(0, outOfOrder, "each key's records stay in order");
        assertEquals(endOffsetTotal(input), committedTotal(group, input), "lag 0");
        assertTrue(open.isEmpty(), "no transaction left open: " + open);
    }
}
