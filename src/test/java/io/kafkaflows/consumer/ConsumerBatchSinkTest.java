package io.kafkaflows.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.json.Json;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer flow's batch-sink mode (flows.consumer.batch=true, batch-sink=true): the sink gets each poll as one
 * JSON array. Every good record reaches the sink exactly once (counted over every list, the topic read to its end),
 * bad JSON is dead-lettered record by record, tombstones are left out, and the group commits every offset; a
 * record the handler fails on is retried in place and then dead-lettered alone; a sink failing on one list gets
 * that list again, and a sink refusing it for good dead-letters that list's records, each with its own context.
 */
class ConsumerBatchSinkTest extends KafkaTestSupport {

    private static Properties batchSinkApp(String topic, String group, String dlq) {
        Properties props = appProperties();
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.group-id", group);
        props.setProperty("flows.consumer.sink", "mock:batches");
        props.setProperty("flows.consumer.dlq-topic", dlq);
        props.setProperty("flows.consumer.batch", "true");
        props.setProperty("flows.consumer.batch-sink", "true");
        props.setProperty("flows.consumer.batch-size", "500");
        props.setProperty("flows.consumer.batch-timeout-ms", "200");
        props.setProperty("flows.errors.initial-delay", "10");
        return props;
    }

    private static MockEndpoint sink(InProcessApp app) {
        return app.context().getEndpoint("mock:batches", MockEndpoint.class);
    }

    /** Each event the sink got, with how often, over every JSON array it received. */
    private static Map<String, Integer> received(MockEndpoint sink) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        for (Exchange e : sink.getExchanges()) {
            String body = assertInstanceOf(String.class, e.getMessage().getBody(), "the sink gets text");
            for (JsonNode event : Json.MAPPER.readTree(body)) {
                seen.merge(event.toString(), 1, Integer::sum);
            }
        }
        return seen;
    }

    @Test
    void theSinkGetsEachPollAsOneListAndBadRecordsAreDeadLetteredOneByOne() throws Exception {
        String topic = createTopic(unique("batch-sink"), 2);
        String dlq = createTopic(unique("batch-sink-dead"), 1);
        String group = unique("group");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String value = i % 100 == 13 ? "not json " + i : i % 250 == 7 ? null : "{\"id\":" + i + "}";
            records.add(new ProducerRecord<>(topic, bytes("k" + i % 7), value == null ? null : bytes(value)));
        }
        produce(records);
        try (InProcessApp app = InProcessApp.start(batchSinkApp(topic, group, dlq))) {
            assertEquals("Started", app.context().getRouteController().getRouteStatus("consumer-polls").name());
            assertNull(app.context().getRoute("consumer-batches"), "the per-record batch route is left out");
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 1000);
            Map<String, Integer> seen = received(sink(app));
            assertEquals(986, seen.size(), "every good record (1000 - 10 bad - 4 tombstones)");
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "none twice: " + seen);
            for (int i = 0; i < 1000; i++) {
                if (i % 100 != 13 && i % 250 != 7) {
                    assertEquals(1, seen.getOrDefault("{\"id\":" + i + "}", 0), "record " + i);
                }
            }
            assertTrue(sink(app).getReceivedCounter() <= 20, "arrays, not records: " + sink(app).getReceivedCounter());
            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(10, dead.size());
            assertTrue(dead.stream().allMatch(d -> text(d.value()).startsWith("not json ")
                    && text(d.headers().lastHeader("dlq.exception.class").value()).contains("Json")), "bad JSON dead-lettered");
        }
    }

    @Test
    void aRecordTheHandlerFailsOnIsRetriedThenDeadLetteredAlone() throws Exception {
        String topic = createTopic(unique("batch-sink-retry"), 1);
        String dlq = createTopic(unique("batch-sink-retry-dead"), 1);
        String group = unique("group");
        AtomicInteger calls = new AtomicInteger();
        try (InProcessApp app = InProcessApp.start(batchSinkApp(topic, group, dlq))) {
            app.context().getRegistry().lookupByNameAndType("consumerEventProcessor", ConsumerEventProcessor.class)
                    .setHandler(new ConsumerEventHandler() {
                        @Override
                        public JsonNode handle(JsonNode event) {
                            if (event.path("id").asInt() == 21) {
                                calls.incrementAndGet();
                                throw new IllegalStateException("handler down for id 21 (simulated)");
                            }
                            return event;
                        }
                    });
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                records.add(new ProducerRecord<>(topic, bytes("k"), bytes("{\"id\":" + i + "}")));
            }
            produce(records);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 50);
            Map<String, Integer> seen = received(sink(app));
            assertEquals(49, seen.size(), seen.toString());
            assertTrue(seen.values().stream().allMatch(n -> n == 1), seen.toString());
            assertEquals(4, calls.get(), "one attempt and flows.errors.max-redeliveries (3) retries");
            List<ConsumerRecord<byte[], byte[]>> dead = readToEnd(dlq, "read_committed");
            assertEquals(1, dead.size());
            assertEquals("{\"id\":21}", text(dead.get(0).value()));
            assertEquals("4", text(dead.get(0).headers().lastHeader("dlq.attempts").value()));
        }
    }

    @Test
    void aSinkFailingOnAListGetsItAgainAndRefusingItForGoodDeadLettersItsRecords() throws Exception {
        String topic = createTopic(unique("batch-sink-fail"), 1);
        String dlq = createTopic(unique("batch-sink-fail-dead"), 1);
        String group = unique("group");
        Properties props = batchSinkApp(topic, group, dlq);
        props.setProperty("flows.consumer.batch-size", "10");
        try (InProcessApp app = InProcessApp.start(props)) {
            AtomicInteger failures = new AtomicInteger();
            sink(app).whenAnyExchangeReceived(exchange -> {
                String events = exchange.getMessage().getBody(String.class);
                if (events.contains("{\"id\":3}") && failures.incrementAndGet() <= 2) {
                    throw new IllegalStateException("sink down (simulated)");
                }
                if (events.contains("{\"id\":103}")) {
                    throw new IllegalStateException("sink refuses this list (simulated)");
                }
            });
            List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                first.add(new ProducerRecord<>(topic, bytes("k"), bytes("{\"id\":" + i + "}")));
            }
            produce(first);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 5);
            assertEquals(3, failures.get(), "two failures, then the same list again");
            assertEquals(5, received(sink(app)).size());
            List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
            for (int i = 100; i < 105; i++) {
                second.add(new ProducerRecord<>(topic, bytes("k"), bytes("{\"id\":" + i + "}")));
            }
            produce(second);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 10);
            List<String> deadValues = readToEnd(dlq, "read_committed").stream().map(d -> text(d.value())).toList();
            Map<String, Integer> seen = received(sink(app));
            assertTrue(deadValues.contains("{\"id\":103}"), "the refused list's records are dead-lettered: " + deadValues);
            for (int i = 100; i < 105; i++) {
                String event = "{\"id\":" + i + "}";
                long deadLettered = deadValues.stream().filter(event::equals).count();
                assertTrue(deadLettered == 1 || (deadLettered == 0 && seen.containsKey(event)),
                        event + " either reached the sink or was dead-lettered once: " + deadValues + " " + seen);
            }
        }
    }

    /** A poll with nothing left to send (bad records and a tombstone only) commits without calling the sink. */
    @Test
    void aPollWithNothingLeftSkipsTheSinkAndCommits() throws Exception {
        String topic = createTopic(unique("batch-sink-empty"), 1);
        String dlq = createTopic(unique("batch-sink-empty-dead"), 1);
        String group = unique("group");
        try (InProcessApp app = InProcessApp.start(batchSinkApp(topic, group, dlq))) {
            produce(List.of(new ProducerRecord<>(topic, bytes("k"), bytes("not json 1")),
                    new ProducerRecord<>(topic, bytes("k"), (byte[]) null),
                    new ProducerRecord<>(topic, bytes("k"), bytes("not json 2"))));
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 3);
            assertEquals(2, readToEnd(dlq, "read_committed").size());
            assertEquals(0, sink(app).getReceivedCounter(), "no empty array sent");
        }
    }
}
