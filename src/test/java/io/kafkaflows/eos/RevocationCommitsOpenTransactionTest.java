package io.kafkaflows.eos;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction spanning polls is committed, not lost or aborted, when a rebalance takes partitions away: the flow
 * has processed all 20 records in one open transaction (commit interval far away, nothing committed yet); a second
 * member joins the group; inside the revocation callback the open transaction commits, with every record's output
 * visible to read_committed readers exactly once and the input committed to its end.
 */
class RevocationCommitsOpenTransactionTest extends KafkaTestSupport {

    @Test
    void openTransactionCommitsBeforePartitionsAreRevoked() throws Exception {
        Properties props = appProperties();
        String input = createTopic(props.getProperty("flows.eos.input-topic"), 2);
        String output = createTopic(props.getProperty("flows.eos.output-topic"), 1);
        String group = props.getProperty("flows.eos.group-id");
        props.setProperty("flows.eos.commit-interval-ms", "600000");
        props.setProperty("flows.eos.max-records-per-transaction", "100000");
        props.setProperty("flows.window.enabled", "false");
        for (int i = 0; i < 20; i++) {
            produce(input, "k" + i, "{\"seq\":" + i + "}");
        }
        try (LogCapture log = LogCapture.of("io.kafkaflows.kafka.tx"); InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> readToEnd(output, "read_uncommitted").size() == 20);
            assertEquals(0, committedTotal(group, input), "the transaction is still open");

            Properties member = new Properties();
            member.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            member.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            member.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            member.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            member.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(member)) {
                second.subscribe(List.of(input));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    second.poll(Duration.ofMillis(200));
                    return !second.assignment().isEmpty();
                });
                assertEquals(20, committedTotal(group, input), "committed inside the revocation");
            }
            List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
            Set<String> seqs = new HashSet<>();
            out.forEach(r -> seqs.add(text(r.value()).replaceAll(".*\"seq\":(\\d+).*", "$1")));
            assertEquals(20, out.size());
            assertEquals(20, seqs.size());
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("Aborting")), log.lines().toString());
        }
    }
}
