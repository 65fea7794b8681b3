package io.kafkaflows.window;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The windowed-aggregation flow in the running app, tumbling windows of 10 s with 2 s grace: results appear once per
 * window and key when stream time passes end + grace, with count/sum/min/max/avg; an out-of-order record within
 * grace is counted; a record behind every open window goes to the late topic with the reason; bad records (no key,
 * non-numeric or missing value, bad or missing event time, negative or far-future time) are dead-lettered with
 * the reason and neither stop the flow nor move stream time.
 */
class WindowedAggregationFlowTest extends KafkaTestSupport {

    private static final long BASE = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 10_000 * 10_000;

    private static ProducerRecord<byte[], byte[]> event(String topic, String key, long offsetMs, String json) {
        return new ProducerRecord<>(topic, 0, BASE + offsetMs, key == null ? null : bytes(key), bytes(json));
    }

    /** The app's properties for each scenario (the per-record variant switches the mode). */
    protected Properties windowProperties() {
        return appProperties();
    }

    @Test
    void closedWindowsAreEmittedOnceLateRecordsSetAsideBadRecordsDeadLettered() throws Exception {
        Properties props = windowProperties();
        props.setProperty("flows.window.type", "tumbling");
        props.setProperty("flows.window.size", "PT10S");
        props.setProperty("flows.window.grace", "PT2S");
        props.setProperty("flows.window.time-field", "");
        String dlq = createTopic(unique("window-dead"), 1);
        props.setProperty("flows.window.dlq-topic", dlq);
        String input = createTopic(props.getProperty("flows.window.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.window.output-topic"), 1);
        String late = createTopic(props.getProperty("flows.window.late-topic"), 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(event(input, "a", 1_000, "{\"value\":1}"));
        records.add(event(input, "a", 5_000, "{\"value\":3}"));
        records.add(event(input, "b", 6_000, "{\"value\":10}"));
        records.add(event(input, "a", 11_000, "{\"value\":4}"));
        records.add(event(input, "a", 9_000, "{\"value\":2}"));          // out of order, within grace
        records.add(event(input, null, 9_500, "{\"value\":2}"));         // no key
        records.add(event(input, "a", 9_600, "{\"value\":\"x\"}"));      // non-numeric
        records.add(event(input, "a", 9_700, "{\"other\":1}"));          // missing value
        records.add(event(input, "a", 9_800, "not json"));
        records.add(event(input, "a", 12_500, "{\"value\":5}"));         // stream time 12.5 s: [0,10) closes
        records.add(event(input, "b", 3_000, "{\"value\":7}"));          // behind every open window: late
        records.add(event(input, "a", 25_000, "{\"value\":6}"));         // closes [10,20)
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            // results, late and dead letters commit with the input offsets: all in once every input is committed
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(props.getProperty("flows.window.group-id"), input) == records.size());
            List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
            List<String> results = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                results.add(text(r.key()) + " " + text(r.value()));
            }
            results.sort(String::compareTo);
            long w0 = BASE;
            long w1 = BASE + 10_000;
            assertEquals(List.of(
                    "a {\"key\":\"a\",\"windowStart\":" + w0 + ",\"windowEnd\":" + w1 + ",\"count\":3,\"sum\":6.0,\"min\":1.0,\"max\":3.0,\"avg\":2.0}",
                    "a {\"key\":\"a\",\"windowStart\":" + w1 + ",\"windowEnd\":" + (w1 + 10_000) + ",\"count\":2,\"sum\":9.0,\"min\":4.0,\"max\":5.0,\"avg\":4.5}",
                    "b {\"key\":\"b\",\"windowStart\":" + w0 + ",\"windowEnd\":" + w1 + ",\"count\":1,\"sum\":10.0,\"min\":10.0,\"max\":10.0,\"avg\":10.0}"),
                    results, "each closed window once");
            List<ConsumerRecord<byte[], byte[]>> lateRecords = readToEnd(late, "read_committed");
            assertEquals(1, lateRecords.size());
            assertEquals("{\"value\":7}", text(lateRecords.get(0).value()));
            assertNotNull(lateRecords.get(0).headers().lastHeader(WindowAssignProcessor.LATE));
            String reason = new String(lateRecords.get(0).headers().lastHeader(WindowAssignProcessor.LATE).value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("closed"), reason);
            assertEquals(4, readToEnd(dlq, "read_committed").size(), "each bad record dead-lettered once");
        }
    }

    @Test
    void eventTimeFromAFieldAndBadTimesAreDeadLetteredWithoutMovingStreamTime() throws Exception {
        Properties props = windowProperties();
        props.setProperty("flows.window.type", "tumbling");
        props.setProperty("flows.window.size", "PT10S");
        props.setProperty("flows.window.grace", "PT0S");
        props.setProperty("flows.window.time-field", "at");
        props.setProperty("flows.window.value-field", "amount");
        String dlq = createTopic(unique("window-dead"), 1);
        props.setProperty("flows.window.dlq-topic", dlq);
        String input = createTopic(props.getProperty("flows.window.input-topic"), 1);
        String output = createTopic(props.getProperty("flows.window.output-topic"), 1);
        createTopic(props.getProperty("flows.window.late-topic"), 1);
        String iso = java.time.Instant.ofEpochMilli(BASE + 4_000).toString();
        long farFuture = System.currentTimeMillis() + Duration.ofDays(2).toMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // the record timestamps are all "now": only the field counts
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":1,\"at\":" + (BASE + 1_000) + "}")));
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":2,\"at\":\"" + iso + "\"}")));
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":9}")));                         // no time
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":9,\"at\":\"yesterday\"}")));  // unparseable
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":9,\"at\":-1}")));             // negative
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":9,\"at\":" + farFuture + "}"))); // far future
        // had the far-future record moved stream time, this one would be late instead of counted
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":3,\"at\":" + (BASE + 9_999) + "}")));
        records.add(new ProducerRecord<>(input, bytes("a"), bytes("{\"amount\":5,\"at\":" + (BASE + 10_000) + "}")));
        produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(props.getProperty("flows.window.group-id"), input) == records.size());
            List<ConsumerRecord<byte[], byte[]>> out = readToEnd(output, "read_committed");
            assertEquals(1, out.size(), "the one closed window, once");
            assertEquals("{\"key\":\"a\",\"windowStart\":" + BASE + ",\"windowEnd\":" + (BASE + 10_000)
                    + ",\"count\":3,\"sum\":6.0,\"min\":1.0,\"max\":3.0,\"avg\":2.0}", text(out.get(0).value()));
            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(4, dead.size(), "each bad time dead-lettered once");
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                String reason = new String(d.headers().lastHeader("dlq.exception.message").value(), StandardCharsets.UTF_8);
                assertTrue(reason.contains("time field") || reason.contains("event time"), reason);
            }
        }
    }

    /**
     * Idle close (off by default, departs from Kafka Streams): partition 0 goes quiet while partition 1 keeps
     * receiving records of the same, still open window; after the idle time partition 0's window is emitted, and a
     * record for it arriving afterwards is late instead of being counted twice.
     */
    @Test
    void idleCloseEmitsTheWindowsOfAQuietPartition() throws Exception {
        Properties props = windowProperties();
        props.setProperty("flows.window.type", "tumbling");
        props.setProperty("flows.window.size", "PT10S");
        props.setProperty("flows.window.grace", "PT0S");
        props.setProperty("flows.window.idle-close", "PT1S");
        String input = createTopic(props.getProperty("flows.window.input-topic"), 2);
        String output = createTopic(props.getProperty("flows.window.output-topic"), 2);
        String late = createTopic(props.getProperty("flows.window.late-topic"), 1);
        produce(List.of(new ProducerRecord<>(input, 0, BASE + 1_000, bytes("quiet"), bytes("{\"value\":4}"))));
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                produce(List.of(new ProducerRecord<>(input, 1, BASE + 2_000, bytes("busy"), bytes("{\"value\":1}"))));
                return !readAll(output, "read_committed", 1, Duration.ofMillis(200)).isEmpty();
            });
            List<ConsumerRecord<byte[], byte[]>> out = readAll(output, "read_committed", 1, Duration.ofSeconds(5));
            assertEquals("quiet", text(out.get(0).key()));
            assertTrue(text(out.get(0).value()).contains("\"count\":1,\"sum\":4.0"), text(out.get(0).value()));
            produce(List.of(new ProducerRecord<>(input, 0, BASE + 3_000, bytes("quiet"), bytes("{\"value\":8}"))));
            assertEquals(1, readAll(late, "read_committed", 1, Duration.ofSeconds(30)).size(), "after an idle close: late");
            // (partition 1 may be idle-closed by now too: only the quiet key's window must not come twice)
            assertEquals(1, readToEnd(output, "read_committed").stream().filter(r -> text(r.key()).equals("quiet")).count());
        }
    }
}
