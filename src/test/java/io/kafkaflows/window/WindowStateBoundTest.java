package io.kafkaflows.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.kafka.aggregation.KafkaAggregationRepository;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window state does not grow with the stream: 3,000 records of 20 keys over 150 s of event time (tumbling 1 s,
 * no grace) make 3,000 windows, of which all but the last second's 20 close and are emitted; afterwards the
 * aggregation repository holds only the open windows, and the compacted changelog's latest value is a tombstone
 * for every closed one (so a restore reads back only open windows too). Results are counted once the whole input
 * is committed, read to the output's end offsets: each closed window exactly once.
 */
class WindowStateBoundTest extends KafkaTestSupport {

    private static final int KEYS = 20;
    private static final int SECONDS = 150;

    @Test
    void closedWindowsAreEvictedFromMemoryAndChangelog() {
        Properties props = appProperties();
        tumblingOneSecondWindows(props);
        String input = props.getProperty("flows.window.input-topic");
        String output = props.getProperty("flows.window.output-topic");
        long base = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 1_000 * 1_000;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int s = 0; s < SECONDS; s++) {
            for (int k = 0; k < KEYS; k++) {
                records.add(new ProducerRecord<>(input, 0, base + s * 1_000L + k, bytes("key-" + k), bytes("{\"value\":" + s + "}")));
            }
        }
        produce(records);
        int closed = (SECONDS - 1) * KEYS;
        try (InProcessApp app = InProcessApp.start(props)) {
            // results and input offsets commit in one transaction: once every input is committed, every result is
            await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(props.getProperty("flows.window.group-id"), input) == records.size());
            Map<String, Integer> emissions = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(output, "read_committed")) {
                WindowResultRow row = WindowResultRow.parse(r.value());
                emissions.merge(row.key() + "@" + row.windowStart(), 1, Integer::sum);
            }
            assertEquals(closed, emissions.values().stream().mapToInt(Integer::intValue).sum(), "one result per closed window");
            assertEquals(closed, emissions.size(), "no window emitted twice");
            KafkaAggregationRepository repository = app.context().getRegistry()
                    .lookupByNameAndType("windowRepository", KafkaAggregationRepository.class);
            int held = repository.getKeys().size();
            assertTrue(held <= KEYS, "only the open windows stay in memory: " + held + " groups held");
        }
        Map<String, byte[]> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(props.getProperty("flows.window.group-id") + "-changelog", "read_committed")) {
            latest.put(text(r.key()), r.value());
        }
        long live = latest.values().stream().filter(v -> v != null).count();
        System.out.printf("window state bound: %d windows emitted, %d changelog keys, %d live%n", closed, latest.size(), live);
        assertTrue(latest.size() >= closed, "every window was written to the changelog once");
        assertTrue(live <= KEYS, "only open windows are live in the changelog: " + live);
    }
}
