package io.kafkaflows.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exactly-once flow in the running app: outputs, dead letters and input offsets commit together; a poison
 * record is dead-lettered inside the transaction; transactions that fail are aborted, invisible to read_committed
 * readers, and retried until the output is exactly once. Each test waits until the group committed the whole input,
 * then reads the topics to their end offsets and counts: exactly once means no record missing and none twice.
 */
class ExactlyOnceFlowTest extends KafkaTestSupport {

    /** The app's properties for these tests: the packaged defaults (poll mode). */
    protected Properties eosProperties() {
        return appProperties();
    }

    /** The flow's route in the mode under test. */
    protected String routeId() {
        return "exactly-once";
    }


    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<ProducerRecord<byte[], byte[]>> sequenced(String topic, int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, bytes("k" + (i % 7)), bytes("{\"seq\":" + i + "}")));
        }
        return records;
    }

    @Test
    void outputIsExactlyOnceAndPoisonIsDeadLetteredInTheTransaction() throws Exception {
        Properties props = eosProperties();
        String input = createTopic(props.getProperty("flows.eos.input-topic"), 3);
        String output = createTopic(props.getProperty("flows.eos.output-topic"), 3);
        String dlq = createTopic(unique("eos-dead"), 1);
        props.setProperty("flows.eos.dlq-topic", dlq);
        List<ProducerRecord<byte[], byte[]>> records = sequenced(input, 300);
        records.add(new ProducerRecord<>(input, bytes("bad"), bytes("not json")));
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(props.getProperty("flows.eos.group-id"), input) == 301);
            List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
            assertEquals(300, out.size(), "exactly once, nothing twice");
            Map<Integer, Integer> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                JsonNode value = JSON.readTree(r.value());
                assertTrue(value.hasNonNull("processedAt"), value.toString());
                seen.merge(value.get("seq").asInt(), 1, Integer::sum);
                assertEquals("k" + (value.get("seq").asInt() % 7), text(r.key()));
            }
            assertEquals(300, seen.size(), "every input once: " + seen);
            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(1, dead.size(), "the poison record dead-lettered once");
            assertArrayEquals(bytes("not json"), dead.get(0).value());
            assertEquals("eos", text(dead.get(0).headers().lastHeader("dlq.flow").value()));
        }
    }

    /**
     * Transactions holding one record the output topic refuses (max.message.bytes) abort again and again: a
     * read_committed reader sees nothing of them, a read_uncommitted one sees the aborted writes. Once the topic
     * accepts the record, the output is exactly once.
     */
    @Test
    void abortedTransactionsStayInvisibleAndTheOutputEndsExactlyOnce() throws Exception {
        Properties props = eosProperties();
        String input = createTopic(props.getProperty("flows.eos.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.eos.output-topic"), 3, Map.of("max.message.bytes", "1500"));
        byte[] random = new byte[3000];
        new java.util.Random(42).nextBytes(random);
        // base64 of random bytes: lz4 cannot shrink it under the topic's limit
        String big = java.util.Base64.getEncoder().encodeToString(random);
        List<ProducerRecord<byte[], byte[]>> records = sequenced(input, 30);
        records.add(new ProducerRecord<>(input, bytes("k-big"), bytes("{\"seq\":30,\"pad\":\"" + big + "\"}")));
        // all 31 in one transaction, committed at the 31st record (not earlier by the clock)
        props.setProperty("flows.eos.max-records-per-transaction", "31");
        props.setProperty("flows.eos.commit-interval-ms", "600000");
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            // a transaction on the output ended (its markers moved the last stable offset) and wrote records
            await().atMost(Duration.ofSeconds(60)).until(() -> stableOffsetTotal(output) > 0);
            assertTrue(endOffsetTotal(output) > 0);
            assertEquals(0, readToEnd(output, "read_committed").size(), "aborted writes stay invisible");
            assertEquals(0L, committedTotal(props.getProperty("flows.eos.group-id"), input));

            admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, output),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET)))).all().get();

            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(props.getProperty("flows.eos.group-id"), input) == 31);
            List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
            Map<Integer, Integer> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                seen.merge(JSON.readTree(r.value()).get("seq").asInt(), 1, Integer::sum);
            }
            assertEquals(31, out.size(), "exactly once: " + seen);
            assertEquals(31, seen.size());
            assertTrue(readToEnd(output, "read_uncommitted").size() > 31,
                    "the aborted attempts were written (then aborted)");
        }
    }

    /**
     * Another producer takes the flow's transactional id once (what the coordinator's abort of a timed-out
     * transaction looks like to the flow): the fenced producer is replaced, the route goes on, and the output stays
     * exactly once, read to the end offsets.
     */
    @Test
    void producerFencedOnceIsReplacedAndTheFlowGoesOn() throws Exception {
        Properties props = eosProperties();
        String input = createTopic(props.getProperty("flows.eos.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.eos.output-topic"), 1);
        String group = props.getProperty("flows.eos.group-id");
        produce(sequenced(input, 10));
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) == 10);
            try (KafkaProducer<byte[], byte[]> other = thief(props)) {
                other.initTransactions();
            }
            produce(sequenced(input, 20).subList(10, 20));
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) == 20);
            assertEquals("Started", app.context().getRouteController().getRouteStatus(routeId()).name());
            String health = app.get(app.property("camel.management.port"), "/observe/health?data=true").body();
            assertTrue(!health.contains("transactional routes stopped"), health);
            assertEquals(expectedSeqs(20), seqCounts(readToEnd(output, "read_committed")), "each record once");
        }
    }

    /**
     * A second holder of the flow's transactional id that keeps taking it (an instance misconfigured with the same
     * id): the flow's producer is fenced again after each replacement; past the fencing budget the route stops with
     * a reason naming the id on /observe/health instead of ping-ponging, and nothing of a fenced transaction is
     * visible.
     */
    @Test
    void producerFencedAgainAndAgainStopsTheRouteAndReportsDown() throws Exception {
        Properties props = eosProperties();
        String input = createTopic(props.getProperty("flows.eos.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.eos.output-topic"), 1);
        String group = props.getProperty("flows.eos.group-id");
        produce(sequenced(input, 10));
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, input) == 10);
            int[] next = {10};
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
                try (KafkaProducer<byte[], byte[]> other = thief(props)) {
                    other.initTransactions();
                }
                produce(sequenced(input, next[0] + 1).subList(next[0], next[0] + 1));
                next[0]++;
                return "Stopped".equals(app.context().getRouteController().getRouteStatus(routeId()).name());
            });
            String health = app.get(app.property("camel.management.port"), "/observe/health?data=true").body();
            assertTrue(health.contains("transactional routes stopped") && health.contains("another producer uses"
                    + " transactional id " + props.getProperty("flows.eos.transactional-id") + "-" + routeId()), health);
            long committed = committedTotal(group, input);
            assertEquals(expectedSeqs((int) committed), seqCounts(readToEnd(output, "read_committed")),
                    "the committed inputs, each once; nothing of a fenced transaction");
        }
    }

    private KafkaProducer<byte[], byte[]> thief(Properties props) {
        Properties thief = new Properties();
        thief.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        thief.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, props.getProperty("flows.eos.transactional-id") + "-" + routeId());
        thief.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        thief.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(thief);
    }

    private static Map<Integer, Integer> expectedSeqs(int count) {
        Map<Integer, Integer> expected = new HashMap<>();
        for (int i = 0; i < count; i++) {
            expected.put(i, 1);
        }
        return expected;
    }

    private static Map<Integer, Integer> seqCounts(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<Integer, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            seen.merge(JSON.readTree(r.value()).get("seq").asInt(), 1, Integer::sum);
        }
        return seen;
    }
}
