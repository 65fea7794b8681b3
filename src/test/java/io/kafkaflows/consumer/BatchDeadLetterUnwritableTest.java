package io.kafkaflows.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;

import io.kafkaflows.deadletter.DeadLetterHeaders;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch mode, one batch of 20 records with a poison record (not JSON) whose dead letter cannot be written (it
 * carries a 16 KiB header; the dead-letter topic takes 8 KiB records). Nothing may be committed past the poison
 * while its dead letter is not written, and no dead letter may stand for the whole batch (without key or value).
 * The records sent before the poison commit, those after it wait with it: over the whole outage the sink gets at
 * most one batch of duplicates (at-least-once, one poll of duplicates per fault), not one per failed attempt.
 * Once the topic takes larger records the poison is dead-lettered with its offset and key, and all 20 commit.
 */
class BatchDeadLetterUnwritableTest extends KafkaTestSupport {

    @Test
    void poisonWhoseDeadLetterFailsHoldsTheBatch() throws Exception {
        // one partition, the poison at offset 7: offsets 0-6 commit during the outage
        assertOutageHeld(1, 7);
    }

    @Test
    void poisonLastOfItsPartitionHoldsTheBatchAcrossPartitions() throws Exception {
        // records i on partition i % 3: the poison (19) is the last record of partition 1, at its offset 6
        assertOutageHeld(3, 19);
    }

    private void assertOutageHeld(int partitions, int poison) throws Exception {
        Properties props = appProperties();
        String topic = createTopic(props.getProperty("flows.consumer.topic"), partitions);
        String dlq = createTopic(unique("batch-dead"), 1, Map.of("max.message.bytes", "8192"));
        String group = props.getProperty("flows.consumer.group-id");
        props.setProperty("flows.consumer.batch", "true");
        props.setProperty("flows.consumer.batch-size", "20");
        props.setProperty("flows.consumer.sink", "mock:consumed");
        props.setProperty("flows.consumer.dlq-topic", dlq);
        props.setProperty("flows.dlq.failure-backoff-ms", "300");
        byte[] noise = new byte[16 * 1024];
        new Random(7).nextBytes(noise);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, i % partitions, bytes("key-" + i),
                    bytes(i == poison ? "not json" : "{\"id\":" + i + "}"));
            if (i == poison) {
                r.headers().add("noise", bytes(Base64.getEncoder().encodeToString(noise)));
            }
            records.add(r);
        }
        produce(records);
        int poisonPartition = poison % partitions;
        long poisonOffset = poison / partitions;
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.getReceivedCounter() >= poisonOffset);
            // while the poison's dead letter fails: never committed past it, no batch-wide dead letter
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).until(() ->
                    committed(group, topic).getOrDefault(poisonPartition, 0L) <= poisonOffset && endOffsetTotal(dlq) == 0);

            admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, dlq),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get();
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 20);
            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(1, dead.size(), "the poison dead-lettered once");
            assertEquals(String.valueOf(poisonOffset), text(dead.get(0).headers().lastHeader(DeadLetterHeaders.SOURCE_OFFSET).value()));
            assertEquals("key-" + poison, text(dead.get(0).key()));
            // every record's sink send precedes the commit that covers it: with all 20 committed, the sink got everything
            Map<String, Long> received = sink.getExchanges().stream()
                    .collect(Collectors.groupingBy(e -> e.getMessage().getBody(String.class), Collectors.counting()));
            for (int i = 0; i < 20; i++) {
                assertTrue(i == poison || received.containsKey("{\"id\":" + i + "}"), "record " + i + " reached the sink");
            }
            long duplicates = sink.getReceivedCounter() - received.size();
            assertTrue(duplicates <= 20, "at most one batch (20) of duplicates for the outage, got " + duplicates
                    + " (" + sink.getReceivedCounter() + " sends for " + received.size() + " records)");
        }
    }
}
