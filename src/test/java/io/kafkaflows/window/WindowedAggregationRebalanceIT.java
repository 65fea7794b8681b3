package io.kafkaflows.window;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windowed aggregation while instances come and go: hopping windows (10 s every 5 s, grace 2 s) over 4 partitions.
 * Instance A runs alone for the first third of the input; instance B joins the group for the second third (the
 * partitions and their window state move to it through the changelog) and leaves before the last third (they move
 * back). The output equals a single-instance run of the same input, window for window.
 */
class WindowedAggregationRebalanceIT extends KafkaTestSupport {

    private static final OracleWindows WINDOWS = OracleWindows.hopping(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2));

    private Map<String, String> instance(String input, String output, String group) {
        Map<String, String> settings = childAppSettings(unique("unused-consumer"), unique("unused-group"));
        settings.put("flows.window.input-topic", input);
        settings.put("flows.window.output-topic", output);
        settings.put("flows.window.late-topic", createTopic(unique("window-rebalance-late"), 1));
        settings.put("flows.window.group-id", group);
        settings.put("flows.window.type", WINDOWS.type());
        settings.put("flows.window.size", WINDOWS.size().toString());
        settings.put("flows.window.advance", WINDOWS.advance().toString());
        settings.put("flows.window.grace", WINDOWS.grace().toString());
        settings.put("flows.window.max-poll-records", "50");
        return settings;
    }

    private static long membersWithPartitions(String group) throws Exception {
        return admin().describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    }

    private static List<WindowResultRow> results(String topic) {
        return WindowResultRow.sorted(readToEnd(topic, "read_committed"));
    }

    @Test
    void outputEqualsSingleInstanceRunWhileASecondInstanceJoinsAndLeaves() {
        String input = createTopic(unique("window-rebalance-in"), 4);
        long base = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 60_000 * 60_000;
        List<ProducerRecord<byte[], byte[]>> records = WindowInputGenerator.generate(input, 4, 11L, 40, 6_000, base, WINDOWS);
        int total = records.size();
        int third = total / 3;

        String output = createTopic(unique("window-rebalance-out"), 4);
        String group = unique("window-rebalance-group");
        Map<String, String> a = instance(input, output, group);
        Map<String, String> b = instance(input, output, group);
        b.put("flows.eos.transactional-id", unique("window-rebalance-b"));
        try (AppProcess first = AppProcess.start(unique("window-a"), a, Map.of())) {
            produce(records.subList(0, third));
            await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(group, input) == third);
            try (AppProcess second = AppProcess.start(unique("window-b"), b, Map.of())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> membersWithPartitions(group) == 2);
                produce(records.subList(third, 2 * third));
                await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(group, input) == 2 * third);
                assertTrue(second.output().contains("Window state of"), "B restored the windows of its partitions");
                second.stop();
            }
            produce(records.subList(2 * third, total));
            await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(group, input) == total);
            first.stop();
        }
        List<WindowResultRow> actual = results(output);

        String referenceOutput = createTopic(unique("window-single-out"), 4);
        String referenceGroup = unique("window-single-group");
        Map<String, String> single = instance(input, referenceOutput, referenceGroup);
        try (AppProcess app = AppProcess.start(unique("window-single"), single, Map.of())) {
            await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(referenceGroup, input) == total);
            app.stop();
        }
        List<WindowResultRow> expected = results(referenceOutput);
        System.out.printf("window rebalance test: %d inputs; single instance %d windows, A+B joining and leaving %d windows%n",
                total, expected.size(), actual.size());
        assertTrue(expected.size() > 300, "single-instance run emitted " + expected.size());
        assertEquals(expected, actual);
    }
}
