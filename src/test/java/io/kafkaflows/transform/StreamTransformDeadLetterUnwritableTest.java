package io.kafkaflows.transform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
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
 * Stream transform, one poll of 20 records with a poison record (not JSON) whose dead letter cannot be written (a
 * 16 KiB header; the dead-letter topic takes 8 KiB records) for several failed attempts. Nothing may be committed
 * past the poison meanwhile; the outputs of the records before it must not be written again on every attempt: over
 * the whole outage at most one poll (20) of duplicate outputs. Once the topic takes larger records, the poison is
 * dead-lettered once and all 20 commit; every good record is in the output (read_committed, to the end offsets).
 */
class StreamTransformDeadLetterUnwritableTest extends KafkaTestSupport {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @Test
    void outputsBeforeThePoisonAreNotWrittenAgainOnEveryAttempt() throws Exception {
        Properties props = appProperties();
        String input = createTopic(props.getProperty("flows.transform.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.transform.output-topic"), 1);
        String dlq = createTopic(unique("transform-dead"), 1, Map.of("max.message.bytes", "8192"));
        String group = props.getProperty("flows.transform.group-id");
        props.setProperty("flows.transform.max-poll-records", "20");
        props.setProperty("flows.transform.batch-size", "20");
        props.setProperty("flows.transform.dlq-topic", dlq);
        props.setProperty("flows.dlq.failure-backoff-ms", "300");
        byte[] noise = new byte[16 * 1024];
        new Random(7).nextBytes(noise);
        int poison = 7;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(input, 0, bytes("key-" + i),
                    bytes(i == poison ? "not json" : "{\"id\":" + i + ",\"text\":\"t\"}"));
            if (i == poison) {
                r.headers().add("noise", bytes(Base64.getEncoder().encodeToString(noise)));
            }
            records.add(r);
        }
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> endOffsetTotal(output) >= poison);
            // several failed dead-letter writes (one per 300 ms backoff): never committed past the poison
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(15)).until(() ->
                    committed(group, input).getOrDefault(0, 0L) <= poison && endOffsetTotal(dlq) == 0);
            admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, dlq),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get();
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) == 20);
            assertEquals(1, readToEnd(dlq, "read_committed").size(), "the poison dead-lettered once");
            Map<Integer, Long> written = readToEnd(output, "read_committed").stream().map(ConsumerRecord::value)
                    .map(v -> ID.matcher(text(v))).filter(Matcher::find).map(m -> Integer.parseInt(m.group(1)))
                    .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            for (int i = 0; i < 20; i++) {
                assertTrue(i == poison || written.containsKey(i), "record " + i + " is in the output");
            }
            long duplicates = written.values().stream().mapToLong(n -> n - 1).sum();
            System.out.printf("stream transform, dead letter unwritable: %d outputs for 19 good records, %d duplicates%n",
                    written.values().stream().mapToLong(Long::longValue).sum(), duplicates);
            assertTrue(duplicates <= 20, "at most one poll (20) of duplicate outputs for the outage, got " + duplicates
                    + " (" + written + ")");
        }
    }
}
