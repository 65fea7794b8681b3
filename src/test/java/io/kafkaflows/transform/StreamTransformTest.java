package io.kafkaflows.transform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The stream transform end to end: input records become output records with "text" upper-cased, every other
 * field, the key and the headers kept; a record header spelled like Camel's override-topic header in another case
 * does not redirect the output; input offsets are committed. Runs the default poll mode
 * ({@code flows.transform.batch=true}); {@link StreamTransformPerRecordTest} runs the same with one exchange per record.
 */
class StreamTransformTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The app's properties for these tests: the packaged defaults. */
    protected Properties transformProperties() {
        return appProperties();
    }

    @Test
    void upperCasesTextKeepingFieldsKeyAndHeaders() throws Exception {
        Properties props = transformProperties();
        String input = createTopic(props.getProperty("flows.transform.input-topic"), 2);
        String output = createTopic(props.getProperty("flows.transform.output-topic"), 2);
        String group = props.getProperty("flows.transform.group-id");
        String decoy = unique("transform-decoy");
        ProducerRecord<byte[], byte[]> first = new ProducerRecord<>(input, bytes("user-7"), bytes("{\"text\":\"hello\",\"n\":1}"));
        first.headers().add(new RecordHeader("trace", bytes("abc")));
        ProducerRecord<byte[], byte[]> second = new ProducerRecord<>(input, bytes("user-8"), bytes("{\"n\":2}"));
        second.headers().add(new RecordHeader("CAMELKAFKAOVERRIDETOPIC", bytes(decoy)));
        try (InProcessApp app = InProcessApp.start(props)) {
            produce(List.of(first, second));
            List<ConsumerRecord<byte[], byte[]>> out = readAll(output, "read_committed", 2, Duration.ofSeconds(30));
            assertEquals(2, out.size());
            ConsumerRecord<byte[], byte[]> a = out.stream().filter(r -> "user-7".equals(text(r.key()))).findFirst().orElseThrow();
            assertEquals(JSON.readTree("{\"text\":\"HELLO\",\"n\":1}"), JSON.readTree(a.value()));
            assertArrayEquals(bytes("abc"), a.headers().lastHeader("trace").value());
            ConsumerRecord<byte[], byte[]> b = out.stream().filter(r -> "user-8".equals(text(r.key()))).findFirst().orElseThrow();
            assertEquals(JSON.readTree("{\"n\":2,\"text\":\"\"}"), JSON.readTree(b.value()));
            assertNull(b.headers().lastHeader("CAMELKAFKAOVERRIDETOPIC"));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, input) == 2);
            assertFalse(admin().listTopics().names().get().contains(decoy), "nothing was redirected to " + decoy);
        }
    }

    /** A "text" that is not a string is dead-lettered as invalid; a tombstone passes through with its key. */
    @Test
    void invalidEventsAreDeadLetteredAndTombstonesForwarded() throws Exception {
        Properties props = transformProperties();
        String input = createTopic(props.getProperty("flows.transform.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.transform.output-topic"), 1);
        String dlq = createTopic(unique("transform-dead"), 1);
        props.setProperty("flows.transform.dlq-topic", dlq);
        try (InProcessApp app = InProcessApp.start(props)) {
            produce(List.of(new ProducerRecord<>(input, bytes("a"), bytes("{\"text\":5}")),
                    new ProducerRecord<>(input, bytes("gone"), (byte[]) null),
                    new ProducerRecord<>(input, bytes("b"), bytes("{\"text\":\"ok\"}"))));
            List<ConsumerRecord<byte[], byte[]>> out = readAll(output, "read_committed", 2, Duration.ofSeconds(30));
            assertEquals(2, out.size());
            assertEquals("gone", text(out.get(0).key()));
            assertNull(out.get(0).value(), "tombstone forwarded as a tombstone");
            assertEquals(JSON.readTree("{\"text\":\"OK\"}"), JSON.readTree(out.get(1).value()));
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(dlq, "read_committed", 1, Duration.ofSeconds(30));
            assertEquals(1, dead.size());
            assertArrayEquals(bytes("{\"text\":5}"), dead.get(0).value());
            assertEquals("transform", text(dead.get(0).headers().lastHeader("dlq.flow").value()));
        }
    }

    /**
     * The output topic refuses one record (larger than its max.message.bytes): the poll's sends fail, nothing of it
     * is committed, the poll is read again one record at a time and the refused record is dead-lettered; every other
     * record is written (at least once) and all offsets end committed.
     */
    @Test
    void aRecordTheOutputRefusesIsDeadLetteredAndTheRestWritten() throws Exception {
        Properties props = transformProperties();
        String input = createTopic(props.getProperty("flows.transform.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.transform.output-topic"), 1, Map.of("max.message.bytes", "2000"));
        String dlq = createTopic(unique("transform-dead"), 1);
        props.setProperty("flows.transform.dlq-topic", dlq);
        String group = props.getProperty("flows.transform.group-id");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // random letters: lz4 would shrink a repeated character below the limit
            String text = i == 7 ? new Random(7).ints(8000, 'a', 'z' + 1)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString() : "t" + i;
            records.add(new ProducerRecord<>(input, bytes("k" + i), bytes("{\"i\":" + i + ",\"text\":\"" + text + "\"}")));
        }
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) == 20);
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(dlq, "read_committed", 1, Duration.ofSeconds(30));
            assertEquals(1, dead.size());
            assertEquals("k7", text(dead.get(0).key()));
            Set<Integer> written = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(output, "read_committed")) {
                written.add(JSON.readTree(r.value()).get("i").asInt());
            }
            assertEquals(19, written.size(), "every other record written: " + written);
        }
    }
}
