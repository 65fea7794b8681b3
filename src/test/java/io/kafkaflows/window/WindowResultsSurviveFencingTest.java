package io.kafkaflows.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A zombie-style fencing in the middle of the windowed aggregation: one key per record, 1 s tumbling windows without
 * grace, so every record closes the previous record's window and its result is written from inside the aggregate
 * EIP's completion. While the flow runs, another producer takes the flow's transactional id (initTransactions). The
 * transaction that held the last results fails; nothing of it may be lost to a later commit: once all input is
 * committed (or the route stopped), the output holds exactly one result for every committed record but the last
 * (its window is still open), each key once, read to the end offsets with read_committed.
 */
class WindowResultsSurviveFencingTest extends KafkaTestSupport {

    private static final long BASE = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 1000 * 1000;
    private static final int RECORDS = 20_000;

    @Test
    void fencedTransactionLosesNoResult() throws Exception {
        Properties props = appProperties();
        props.setProperty("flows.eos.enabled", "false");
        // long polls: the fenced producer's error comes back while the poll still sends results, which then throw
        props.setProperty("flows.window.max-poll-records", "1000");
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "40");
        tumblingOneSecondWindows(props);
        String input = props.getProperty("flows.window.input-topic");
        String output = props.getProperty("flows.window.output-topic");
        String group = props.getProperty("flows.window.group-id");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(new ProducerRecord<>(input, 0, BASE + i * 1000L, bytes("k-" + i), bytes("{\"value\":" + i + "}")));
        }
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> committedTotal(group, input) >= 2_000);
            String transactionalId = props.getProperty("flows.eos.transactional-id") + "-windowed-aggregation";
            try (KafkaProducer<byte[], byte[]> thief = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                thief.initTransactions();
            }
            // a fenced producer is either replaced (the records are read again) or stops the route: either way
            await().atMost(Duration.ofSeconds(120)).until(() -> committedTotal(group, input) == RECORDS
                    || app.context().getRouteController().getRouteStatus("windowed-aggregation").isStopped());
        }
        long committed = committedTotal(group, input);
        List<ConsumerRecord<byte[], byte[]>> results = readToEnd(output, "read_committed");
        Set<String> keys = new HashSet<>();
        results.forEach(r -> keys.add(text(r.key())));
        System.out.println("fencing: committed " + committed + " inputs, " + results.size() + " results, "
                + keys.size() + " distinct keys (expected " + (committed - 1) + ")");
        assertEquals(committed - 1, keys.size(), "results lost (a window closed and committed without its result)");
        assertEquals(keys.size(), results.size(), "a window emitted twice");
    }
}
