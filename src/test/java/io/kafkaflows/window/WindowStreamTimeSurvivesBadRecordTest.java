package io.kafkaflows.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A bad record alone in the first poll after a restart must not erase the partition's stream time: run 1 moves
 * stream time to T and emits window [0,10s); run 2 reads only a record that is not JSON (dead-lettered); the offset
 * it commits still carries streamTime=T. Run 3: a record for the long-closed window [0,10s) goes to the late topic
 * (as Kafka Streams drops it) instead of reopening the window, and no window is emitted twice.
 */
class WindowStreamTimeSurvivesBadRecordTest extends KafkaTestSupport {

    private static final long BASE = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 10_000 * 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void badRecordAfterRestartKeepsStreamTime() throws Exception {
        Properties props = appProperties();
        props.setProperty("flows.window.type", "tumbling");
        props.setProperty("flows.window.size", "PT10S");
        props.setProperty("flows.window.grace", "PT0S");
        props.setProperty("flows.window.time-field", "");
        props.setProperty("flows.eos.enabled", "false");
        props.setProperty("flows.window.dlq-topic", createTopic(unique("window-dead"), 1));
        String input = createTopic(props.getProperty("flows.window.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.window.output-topic"), 1);
        String late = createTopic(props.getProperty("flows.window.late-topic"), 1);
        String group = props.getProperty("flows.window.group-id");

        produce(List.of(event(input, 1_000, "{\"value\":1}"), event(input, 25_000, "{\"value\":2}")));
        run(props, group, input, 2);
        assertEquals("streamTime=" + (BASE + 25_000), committedMetadata(group, input));

        produce(List.of(event(input, 26_000, "not json")));
        run(props, group, input, 3);
        assertEquals("streamTime=" + (BASE + 25_000), committedMetadata(group, input), "stream time after a bad record");

        produce(List.of(event(input, 5_000, "{\"value\":9}"), event(input, 40_000, "{\"value\":3}")));
        run(props, group, input, 5);
        List<Long> starts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(output, "read_committed")) {
            JsonNode result = JSON.readTree(r.value());
            starts.add(result.get("windowStart").asLong() - BASE);
        }
        assertEquals(List.of(0L, 20_000L), starts, "windows emitted (offsets from BASE)");
        assertEquals(1, readToEnd(late, "read_committed").size(), "the record for the closed window is late");
    }

    private static ProducerRecord<byte[], byte[]> event(String topic, long offsetMs, String json) {
        return new ProducerRecord<>(topic, 0, BASE + offsetMs, bytes("a"), bytes(json));
    }

    private static void run(Properties props, String group, String input, long committed) {
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) == committed);
        }
    }

    private static String committedMetadata(String group, String input) throws Exception {
        OffsetAndMetadata offset = admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(new TopicPartition(input, 0));
        return offset == null ? null : offset.metadata();
    }
}
