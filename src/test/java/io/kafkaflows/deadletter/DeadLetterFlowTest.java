package io.kafkaflows.deadletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared error handler on the consumer flow, against the real broker: each kind of poison input ends in the
 * dead-letter topic with its original bytes, key, headers and context headers (or is handled as documented), and
 * the good record after it is processed; transient failures are retried with backoff, then dead-lettered.
 */
class DeadLetterFlowTest extends KafkaTestSupport {

    private static final int MAX_REDELIVERIES = 3;

    private static Properties app(String topic, String dlq) {
        Properties props = appProperties();
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.sink", "mock:consumed");
        props.setProperty("flows.consumer.required-fields", "id");
        props.setProperty("flows.consumer.dlq-topic", dlq);
        props.setProperty("flows.errors.max-redeliveries", String.valueOf(MAX_REDELIVERIES));
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "40");
        props.setProperty("flows.dlq.failure-backoff-ms", "500");
        return props;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, Header... headers) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, key, value);
        for (Header h : headers) {
            r.headers().add(h);
        }
        return r;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void poisonRecordsEndInTheDeadLetterTopicAndTheNextRecordIsProcessed() throws Exception {
        String topic = createTopic(unique("dlq-poison"), 1);
        String dlq = createTopic(unique("dlq-poison-dead"), 1);
        byte[] invalidUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        byte[] bom = ("\uFEFF{\"id\":\"bom\"}").getBytes(StandardCharsets.UTF_8);
        byte[] binaryHeader = {(byte) 0xFF, (byte) 0xFE, 0x00};
        byte[] nearLimitPoison = new byte[1_045_000];
        java.util.Arrays.fill(nearLimitPoison, (byte) 'x');
        StringBuilder big = new StringBuilder("{\"id\":\"big\",\"pad\":\"");
        while (big.length() < 1_000_000) {
            big.append("0123456789");
        }
        byte[] nearLimitGood = big.append("\"}").toString().getBytes(StandardCharsets.UTF_8);

        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        input.add(record(topic, bytes("p1"), bytes("not json at all"), new RecordHeader("trace", binaryHeader)));
        input.add(record(topic, null, bytes("{\"id\":\"after-not-json\"}")));
        input.add(record(topic, bytes("p2"), invalidUtf8));
        input.add(record(topic, bytes("p3"), new byte[0]));
        input.add(record(topic, bytes("tomb"), null));
        input.add(record(topic, bytes("p4"), bytes("[1,2,3]")));
        input.add(record(topic, bytes("p5"), bytes("{\"text\":\"no id\"}")));
        input.add(record(topic, bytes("bom"), bom, new RecordHeader("trace", binaryHeader)));
        input.add(record(topic, bytes("p6"), bytes("{oops"), new RecordHeader("CAMELKAFKAOVERRIDETOPIC", bytes("hijack"))));
        input.add(record(topic, bytes("p7"), nearLimitPoison));
        input.add(record(topic, bytes("big"), nearLimitGood));
        input.add(record(topic, bytes("last"), bytes("{\"id\":\"last\"}")));
        produce(input);

        Properties props = app(topic, dlq);
        String group = props.getProperty("flows.consumer.group-id");
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            sink.expectedMessageCount(4);
            sink.assertIsSatisfied(60_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == input.size());
            List<String> processed = sink.getExchanges().stream().map(e -> e.getMessage().getBody(String.class)).toList();
            assertEquals("{\"id\":\"after-not-json\"}", processed.get(0));
            assertEquals("{\"id\":\"bom\"}", processed.get(1), "a UTF-8 byte order mark is accepted");
            assertTrue(processed.get(2).startsWith("{\"id\":\"big\""), "a valid record near the size limit is processed");
            assertEquals("{\"id\":\"last\"}", processed.get(3));

            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(7, dead.size(), "one dead letter per poison record; the tombstone is skipped");
            long[] offsets = {0, 2, 3, 5, 6, 8, 9};
            for (int i = 0; i < dead.size(); i++) {
                ConsumerRecord<byte[], byte[]> d = dead.get(i);
                ProducerRecord<byte[], byte[]> original = input.get((int) offsets[i]);
                assertArrayEquals(original.key(), d.key());
                assertEquals(topic, header(d, DeadLetterHeaders.SOURCE_TOPIC));
                assertEquals("0", header(d, DeadLetterHeaders.SOURCE_PARTITION));
                assertEquals(String.valueOf(offsets[i]), header(d, DeadLetterHeaders.SOURCE_OFFSET));
                assertNotNull(header(d, DeadLetterHeaders.SOURCE_TIMESTAMP));
                assertFalse(header(d, DeadLetterHeaders.EXCEPTION_CLASS).isEmpty());
                assertNotNull(header(d, DeadLetterHeaders.EXCEPTION_MESSAGE));
                assertTrue(header(d, DeadLetterHeaders.EXCEPTION_STACKTRACE).length() <= 4100);
                assertEquals("1", header(d, DeadLetterHeaders.ATTEMPTS), "non-retryable: no redelivery");
                assertEquals("consumer-records", header(d, DeadLetterHeaders.ROUTE));
                assertEquals("consumer", header(d, DeadLetterHeaders.FLOW));
                assertNotNull(Instant.parse(header(d, DeadLetterHeaders.FAILED_AT)));
                if (offsets[i] == 9) {
                    assertNull(d.value(), "too large to dead-letter whole: the value is left out");
                    assertNotNull(header(d, DeadLetterHeaders.VALUE_OMITTED));
                } else {
                    assertArrayEquals(original.value(), d.value(), "original bytes, unchanged");
                }
            }
            assertArrayEquals(binaryHeader, dead.get(0).headers().lastHeader("trace").value(), "binary header kept");
            assertTrue(header(dead.get(0), DeadLetterHeaders.EXCEPTION_CLASS).contains("Json"));
            assertTrue(header(dead.get(4), DeadLetterHeaders.EXCEPTION_MESSAGE).contains("required field 'id'"));
            assertNull(dead.get(5).headers().lastHeader("CAMELKAFKAOVERRIDETOPIC"), "Camel-named headers never cross");
            assertFalse(admin().listTopics().names().get().contains("hijack"), "no record went to the hijack topic");

            String metrics = app.get(app.property("camel.management.port"), "/observe/metrics").body();
            assertTrue(metrics.contains("kafkaflows_dlq_records_total{"), "dead-letter counter exported");
        }
    }

    @Test
    void transientFailureIsRetriedAndSucceedsWithoutDeadLetter() throws Exception {
        String topic = createTopic(unique("dlq-retry"), 1);
        String dlq = createTopic(unique("dlq-retry-dead"), 1);
        produce(List.of(record(topic, null, bytes("{\"id\":1}")), record(topic, null, bytes("{\"id\":2}"))));
        Properties props = app(topic, dlq);
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            AtomicInteger failures = new AtomicInteger();
            sink.whenAnyExchangeReceived(e -> {
                if (e.getMessage().getBody(String.class).contains("\"id\":1") && failures.incrementAndGet() <= 2) {
                    throw new IOException("sink answered 503 (simulated)");
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(props.getProperty("flows.consumer.group-id"), topic) == 2);
            assertEquals(4, sink.getReceivedCounter(), "id 1 three times (two failures, one success), id 2 once");
            assertEquals(0, endOffsetTotal(dlq), "nothing dead-lettered");
        }
    }

    @Test
    void persistentFailureIsDeadLetteredAfterAllRedeliveries() throws Exception {
        String topic = createTopic(unique("dlq-exhaust"), 1);
        String dlq = createTopic(unique("dlq-exhaust-dead"), 1);
        produce(List.of(record(topic, bytes("k"), bytes("{\"id\":1}")), record(topic, null, bytes("{\"id\":2}"))));
        Properties props = app(topic, dlq);
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            AtomicInteger attempts = new AtomicInteger();
            sink.whenAnyExchangeReceived(e -> {
                if (e.getMessage().getBody(String.class).contains("\"id\":1")) {
                    attempts.incrementAndGet();
                    throw new IOException("sink down (simulated)");
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(props.getProperty("flows.consumer.group-id"), topic) == 2);
            assertEquals(1 + MAX_REDELIVERIES, attempts.get(), "first attempt plus every redelivery");
            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(1, dead.size(), "dead-lettered once");
            assertEquals(String.valueOf(1 + MAX_REDELIVERIES), header(dead.get(0), DeadLetterHeaders.ATTEMPTS));
            assertEquals(IOException.class.getName(), header(dead.get(0), DeadLetterHeaders.EXCEPTION_CLASS));
            assertArrayEquals(bytes("{\"id\":1}"), dead.get(0).value());
            String metrics = app.get(app.property("camel.management.port"), "/observe/metrics").body();
            assertTrue(metrics.contains("kafkaflows_redeliveries_total{flow=\"consumer\"} 3.0"), metrics);
        }
    }

    /**
     * The dead-letter topic refuses writes (max.message.bytes too small even for the record without its value):
     * the source offset does not move past the poison record and health is DOWN with the reason; once the topic
     * accepts writes again, the record is dead-lettered and the flow goes on without loss.
     */
    @Test
    void unwritableDeadLetterTopicHoldsTheOffsetUntilItRecovers() throws Exception {
        String topic = createTopic(unique("dlq-down"), 1);
        String dlq = createTopic(unique("dlq-down-dead"), 1, java.util.Map.of("max.message.bytes", "200"));
        produce(List.of(record(topic, null, bytes("{\"id\":\"a\"}")), record(topic, bytes("bad"), bytes("not json")),
                record(topic, null, bytes("{\"id\":\"b\"}"))));
        Properties props = app(topic, dlq);
        String group = props.getProperty("flows.consumer.group-id");
        try (InProcessApp app = InProcessApp.start(props)) {
            String management = app.property("camel.management.port");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(management, "/observe/health?data=true").body()
                    .contains("is not writable"));
            assertEquals(503, app.get(management, "/observe/health").statusCode());
            // the record before the poison is committed when the failed write sends the consumer back to re-read
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == 1);
            assertEquals(0, endOffsetTotal(dlq));
            assertEquals(503, app.get(management, "/observe/health").statusCode(), "still DOWN, still not past the poison");
            assertEquals(1L, committedTotal(group, topic), "committed up to the poison record, not past it");
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            assertEquals(1, sink.getExchanges().stream().map(e -> e.getMessage().getBody(String.class)).distinct().count());

            admin().incrementalAlterConfigs(java.util.Map.of(
                    new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, dlq),
                    List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                            new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "1048588"),
                            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();

            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 3);
            assertEquals(1, readToEnd(dlq, "read_committed").size(), "dead-lettered once, after the topic recovered");
            assertTrue(sink.getExchanges().stream().anyMatch(e -> e.getMessage().getBody(String.class).contains("\"b\"")));
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(management, "/observe/health").statusCode() == 200);
        }
    }

    /** Retries that could hold a poll past max.poll.interval.ms are refused at start, with the numbers. */
    @Test
    void retrySettingsThatCouldOutlastThePollIntervalAreRefused() {
        Properties props = app(unique("dlq-budget"), unique("dlq-budget-dead"));
        props.setProperty("flows.consumer.max-poll-records", "500");
        props.setProperty("flows.errors.initial-delay", "1000");
        props.setProperty("flows.errors.max-delay", "10000");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> InProcessApp.start(props).close());
        String message = String.valueOf(e.getCause()) + e.getMessage();
        assertTrue(message.contains("max.poll.interval.ms"), message);
    }
}
