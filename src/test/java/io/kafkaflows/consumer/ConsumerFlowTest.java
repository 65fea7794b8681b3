package io.kafkaflows.consumer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer flow in the running app, with the sink swapped for a mock endpoint through
 * {@code flows.consumer.sink} alone: events arrive as JSON and offsets are committed after processing; a failing
 * sink re-reads the record instead of skipping it; batch mode; seek to beginning, end and a timestamp.
 */
class ConsumerFlowTest extends KafkaTestSupport {

    private static Properties consumerApp(String topic, String group) {
        Properties props = appProperties();
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.group-id", group);
        props.setProperty("flows.consumer.sink", "mock:consumed");
        return props;
    }

    private static MockEndpoint sink(InProcessApp app) {
        return app.context().getEndpoint("mock:consumed", MockEndpoint.class);
    }

    private static void produceEvents(String topic, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new ProducerRecord<>(topic, bytes("k" + (i % 5)), bytes("{\"id\":" + i + "}")));
        }
        produce(records);
    }

    @Test
    void consumesJsonEventsAndCommitsAfterProcessing() throws Exception {
        String topic = createTopic(unique("consumer-basic"), 3);
        String group = unique("group");
        produceEvents(topic, 0, 30);
        try (InProcessApp app = InProcessApp.start(consumerApp(topic, group))) {
            MockEndpoint sink = sink(app);
            sink.expectedMessageCount(30);
            sink.assertIsSatisfied(30_000);
            assertTrue(sink.getExchanges().get(0).getMessage().getBody(String.class).matches("\\{\"id\":\\d+}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == 30);
        }
    }

    /** The sink fails twice on one record: it is delivered again (not skipped) and nothing after it is lost. */
    @Test
    void failingRecordIsReadAgainNotSkipped() throws Exception {
        String topic = createTopic(unique("consumer-retry"), 1);
        String group = unique("group");
        produceEvents(topic, 0, 10);
        try (InProcessApp app = InProcessApp.start(consumerApp(topic, group))) {
            MockEndpoint sink = sink(app);
            AtomicInteger failures = new AtomicInteger();
            sink.whenAnyExchangeReceived(exchange -> {
                if (exchange.getMessage().getBody(String.class).contains("\"id\":5") && failures.incrementAndGet() <= 2) {
                    throw new IllegalStateException("sink down (simulated)");
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 10);
            List<String> bodies = sink.getExchanges().stream().map(e -> e.getMessage().getBody(String.class)).toList();
            assertEquals(3, bodies.stream().filter(b -> b.contains("\"id\":5")).count(), "two failures, then success: " + bodies);
            for (int i = 0; i < 10; i++) {
                String id = "\"id\":" + i + "}";
                assertTrue(bodies.stream().anyMatch(b -> b.endsWith(id)), "record " + i + " processed: " + bodies);
            }
        }
    }

    /** Only flows.consumer.sink changes: events land in a file, one JSON line each. */
    @Test
    void fileSinkWritesOneLinePerEvent() throws Exception {
        String topic = createTopic(unique("consumer-file"), 1);
        String group = unique("group");
        produceEvents(topic, 0, 4);
        Path dir = Files.createDirectories(Path.of("target", "test-sinks", unique("file")));
        Properties props = consumerApp(topic, group);
        props.setProperty("flows.consumer.sink", "file:" + dir + "?fileName=events.jsonl&fileExist=Append&appendChars=\\\\n");
        try (InProcessApp app = InProcessApp.start(props)) {
            Path file = dir.resolve("events.jsonl");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 4);
            assertEquals(List.of("{\"id\":0}", "{\"id\":1}", "{\"id\":2}", "{\"id\":3}"), Files.readAllLines(file));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == 4);
        }
    }

    @Test
    void batchModeProcessesAndCommitsWholeBatches() throws Exception {
        String topic = createTopic(unique("consumer-batch"), 2);
        String group = unique("group");
        produceEvents(topic, 0, 120);
        Properties props = consumerApp(topic, group);
        props.setProperty("flows.consumer.batch", "true");
        props.setProperty("flows.consumer.batch-size", "50");
        try (InProcessApp app = InProcessApp.start(props)) {
            assertEquals("Started", app.context().getRouteController().getRouteStatus("consumer-batches").name());
            assertEquals("Stopped", app.context().getRouteController().getRouteStatus("consumer-records").name());
            MockEndpoint sink = sink(app);
            sink.expectedMessageCount(120);
            sink.assertIsSatisfied(30_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == 120);
        }
    }

    /** In batch mode a failing record is retried and dead-lettered on its own; the rest of the batch goes on. */
    @Test
    void failingRecordInABatchIsDeadLetteredAlone() throws Exception {
        String topic = createTopic(unique("consumer-batch-dlq"), 1);
        String group = unique("group");
        String dlq = createTopic(unique("consumer-batch-dead"), 1);
        produceEvents(topic, 0, 20);
        Properties props = consumerApp(topic, group);
        props.setProperty("flows.consumer.batch", "true");
        props.setProperty("flows.consumer.batch-size", "20");
        props.setProperty("flows.consumer.dlq-topic", dlq);
        props.setProperty("flows.errors.initial-delay", "10");
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = sink(app);
            sink.whenAnyExchangeReceived(exchange -> {
                if (exchange.getMessage().getBody(String.class).endsWith("\"id\":7}")) {
                    throw new IllegalStateException("sink rejects id 7 (simulated)");
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 20);
            List<String> bodies = sink.getExchanges().stream().map(e -> e.getMessage().getBody(String.class)).toList();
            for (int i = 0; i < 20; i++) {
                String id = "\"id\":" + i + "}";
                assertTrue(bodies.stream().anyMatch(b -> b.endsWith(id)), "record " + i + " reached the sink: " + bodies);
            }
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(1, dead.size(), "only the failing record, dead-lettered once");
            assertEquals("{\"id\":7}", text(dead.get(0).value()));
            assertEquals("7", text(dead.get(0).headers().lastHeader("dlq.source.offset").value()));
        }
    }

    @Test
    void seekEndSkipsHistoryAndSeekBeginningReplaysIt() throws Exception {
        String topic = createTopic(unique("consumer-seek"), 2);
        String group = unique("group");
        produceEvents(topic, 0, 5);
        Properties end = consumerApp(topic, group);
        end.setProperty("flows.consumer.seek", "end");
        try (InProcessApp app = InProcessApp.start(end)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == 5);
            produceEvents(topic, 5, 8);
            MockEndpoint sink = sink(app);
            sink.expectedMessageCount(3);
            sink.setAssertPeriod(1000);
            sink.assertIsSatisfied(30_000);
            assertTrue(sink.getExchanges().stream().noneMatch(e -> e.getMessage().getBody(String.class).matches(".*\"id\":[0-4]}")));
        }
        Properties beginning = consumerApp(topic, group);
        beginning.setProperty("flows.consumer.seek", "beginning");
        try (InProcessApp app = InProcessApp.start(beginning)) {
            MockEndpoint sink = sink(app);
            sink.expectedMessageCount(8);
            sink.assertIsSatisfied(30_000);
        }
    }

    @Test
    void seekTimestampStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
        String topic = createTopic(unique("consumer-seek-ts"), 1);
        String group = unique("group");
        Instant t0 = Instant.now().minusSeconds(3600);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(new ProducerRecord<>(topic, 0, t0.plusSeconds(i * 10L).toEpochMilli(), null, bytes("{\"id\":" + i + "}")));
        }
        produce(records);
        Properties props = consumerApp(topic, group);
        props.setProperty("flows.consumer.seek", t0.plusSeconds(25).toString());
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = sink(app);
            sink.expectedBodiesReceived("{\"id\":3}", "{\"id\":4}");
            sink.setAssertPeriod(1000);
            sink.assertIsSatisfied(30_000);
        }
    }
}
