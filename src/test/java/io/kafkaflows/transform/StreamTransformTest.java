package io.kafkaflows.transform;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

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
 * does not redirect the output; input offsets are committed.
 */
class StreamTransformTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void upperCasesTextKeepingFieldsKeyAndHeaders() throws Exception {
        Properties props = appProperties();
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
}
