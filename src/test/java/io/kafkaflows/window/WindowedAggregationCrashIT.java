package io.kafkaflows.window;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windowed aggregation across crashes: 8,000 generated records (30 keys, out-of-order and late ones) over 3
 * partitions, tumbling 10 s windows with 3 s grace. The packaged app (child process) is SIGKILLed three times at
 * random points while windows are open, restarted each time, then runs to the end. A read_committed reader finds
 * every window emitted exactly once with the same values as an uninterrupted run of the same input.
 */
class WindowedAggregationCrashIT extends KafkaTestSupport {

    private static final OracleWindows WINDOWS = OracleWindows.tumbling(Duration.ofSeconds(10), Duration.ofSeconds(3));

    private Map<String, String> settings(String input) {
        Map<String, String> settings = childAppSettings(unique("unused-consumer"), unique("unused-group"));
        settings.put("flows.window.input-topic", input);
        settings.put("flows.window.output-topic", createTopic(unique("window-crash-out"), 3));
        settings.put("flows.window.late-topic", createTopic(unique("window-crash-late"), 1));
        settings.put("flows.window.group-id", unique("window-crash-group"));
        settings.put("flows.window.type", WINDOWS.type());
        settings.put("flows.window.size", WINDOWS.size().toString());
        settings.put("flows.window.grace", WINDOWS.grace().toString());
        settings.put("flows.window.max-poll-records", "50");
        return settings;
    }

    private static List<WindowResultRow> results(String topic) {
        return WindowResultRow.sorted(readToEnd(topic, "read_committed"));
    }

    @Test
    void everyWindowExactlyOnceAcrossKills() {
        String input = createTopic(unique("window-crash-in"), 3);
        long base = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 60_000 * 60_000;
        List<ProducerRecord<byte[], byte[]>> records = WindowInputGenerator.generate(input, 3, 7L, 30, 8_000, base, WINDOWS);
        produce(records);
        int total = records.size();

        Map<String, String> reference = settings(input);
        try (AppProcess app = AppProcess.start(unique("window-reference"), reference, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(reference.get("flows.window.group-id"), input) == total);
            app.stop();
        }
        List<WindowResultRow> expected = results(reference.get("flows.window.output-topic"));
        assertTrue(expected.size() > 500, "uninterrupted run emitted " + expected.size() + " windows");

        Map<String, String> crashed = settings(input);
        String group = crashed.get("flows.window.group-id");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 3; round++) {
            long from = committedTotal(group, input);
            long killAt = Math.min(total - 1, from + 800 + random.nextInt(1500));
            try (AppProcess app = AppProcess.start(unique("window-crash-" + round), crashed, Map.of())) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> committedTotal(group, input) >= killAt);
                app.kill();
            }
            System.out.printf("window crash test round %d: SIGKILL at committed offset %d%n", round, committedTotal(group, input));
        }
        try (AppProcess last = AppProcess.start(unique("window-crash-final"), crashed, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(group, input) == total);
            last.stop();
        }
        List<WindowResultRow> actual = results(crashed.get("flows.window.output-topic"));
        Map<String, Integer> emissions = new HashMap<>();
        actual.forEach(r -> emissions.merge(r.key() + "@" + r.windowStart(), 1, Integer::sum));
        long duplicated = emissions.values().stream().filter(n -> n > 1).count();
        long missing = expected.stream().filter(r -> !emissions.containsKey(r.key() + "@" + r.windowStart())).count();
        long differing = expected.stream().filter(r -> !actual.contains(r)).count();
        System.out.printf("window crash test (seed %d): %d inputs, 3 SIGKILLs; uninterrupted run %d windows, crashed run %d"
                + " windows: %d duplicated, %d missing, %d with different values%n", seed, total, expected.size(),
                actual.size(), duplicated, missing, differing);
        assertEquals(0, duplicated);
        assertEquals(0, missing);
        assertEquals(expected, actual);
    }
}
