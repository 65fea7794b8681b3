package io.kafkaflows.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.kafkaflows.deadletter.DeadLetterHeaders;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue flow in the running app on a real broker's share group: four consumers share one partition, each record
 * processed once; a poison record is dead-lettered (with its delivery count) and rejected, a record failing its first
 * delivery is released and succeeds on the next, a record failing every time is dead-lettered on the last delivery the
 * flow allows (which the flow set as the group's delivery limit); then nothing is handed out again (2 s record
 * locks: an unacknowledged record would be).
 */
class QueueFlowTest extends KafkaTestSupport {

    static Properties queueApp(String topic, String group, String dlq) {
        Properties props = appProperties();
        props.setProperty("flows.queue.enabled", "true");
        props.setProperty("flows.queue.topic", topic);
        props.setProperty("flows.queue.group-id", group);
        props.setProperty("flows.queue.concurrency", "4");
        props.setProperty("flows.queue.max-poll-records", "5");
        props.setProperty("flows.queue.sink", "class:io.kafkaflows.queue.QueueTestSink?method=take");
        props.setProperty("flows.dlq.topic", dlq);
        props.setProperty("flows.errors.max-redeliveries", "1");
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "10");
        return props;
    }

    /** The share group's acquisition lock (group config share.record.lock.duration.ms; the test broker allows 1 s). */
    static void lockRecordsFor(String group, int ms) throws Exception {
        admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms", String.valueOf(ms)),
                        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    @Test
    void fourConsumersShareOnePartition() throws Exception {
        String test = unique("queue-share");
        String topic = createTopic(test, 1);
        String dlq = createTopic(unique("queue-share-dlq"), 1);
        try (InProcessApp app = InProcessApp.start(queueApp(topic, unique("queue-group"), dlq))) {
            for (int i = 0; i < 80; i++) {
                produce(topic, "k" + i, test + ":" + i + ":together");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> QueueTestSink.TAKEN.getOrDefault(test, List.of()).size() >= 80);
            List<String> taken = QueueTestSink.TAKEN.get(test);
            assertEquals(80, taken.stream().map(t -> t.split("@")[0]).distinct().count(), "every record processed");
            assertEquals(80, taken.size(), "none twice: " + taken);
            assertTrue(QueueTestSink.THREADS.get(test).size() > 1, "one partition, more than one consumer at work: "
                    + QueueTestSink.THREADS.get(test));
        }
    }

    @Test
    void failuresAreReleasedOrDeadLetteredAndRejected() throws Exception {
        String test = unique("queue-failures");
        String topic = createTopic(test, 1);
        String dlq = createTopic(unique("queue-failures-dlq"), 1);
        String group = unique("queue-group");
        Properties props = queueApp(topic, group, dlq);
        props.setProperty("flows.queue.max-deliveries", "2");
        lockRecordsFor(group, 2000);
        try (InProcessApp app = InProcessApp.start(props)) {
            for (int i = 0; i < 10; i++) {
                produce(topic, "k" + i, test + ":" + i);
            }
            produce(topic, "poison", test + ":10:poison");
            produce(topic, "flaky", test + ":11:flaky");
            produce(topic, "broken", test + ":12:broken");
            await().atMost(Duration.ofSeconds(60)).until(() -> QueueTestSink.TAKEN.getOrDefault(test, List.of()).size() >= 11
                    && readToEnd(dlq, "read_committed").size() >= 2);
            // with 2 s locks, a record still acquired or released would be handed out again within the hold
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(20)).until(() ->
                    QueueTestSink.TAKEN.get(test).size() == 11 && readToEnd(dlq, "read_committed").size() == 2);

            List<String> taken = new ArrayList<>(QueueTestSink.TAKEN.get(test));
            taken.sort(null);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add(i + "@1");
            }
            expected.add("11@2");
            expected.sort(null);
            assertEquals(expected, taken, "good records once on their first delivery, the flaky one on its second");
            Map<String, String> deadDeliveries = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(dlq, "read_committed")) {
                deadDeliveries.put(text(r.key()), text(r.headers().lastHeader(DeadLetterHeaders.DELIVERY_COUNT).value()));
            }
            assertEquals(Map.of("poison", "1", "broken", "2"), deadDeliveries,
                    "poison dead-lettered on its first delivery, the broken record on the last one allowed, each once");
            ConfigResource groupConfigs = new ConfigResource(ConfigResource.Type.GROUP, group);
            assertEquals("2", admin().describeConfigs(List.of(groupConfigs)).all().get(30, TimeUnit.SECONDS)
                    .get(groupConfigs).get("share.delivery.count.limit").value(), "the broker's limit is the flow's");
        }
    }

    /**
     * One consumer polls 12 jobs of 500 ms under 5 s record locks: past half the lock it commits each acknowledgement
     * at once, past 80% it releases the rest, so every job runs exactly once (handling the whole poll, 6 s, and
     * committing at its end, every acknowledgement would come after its lock expired and the jobs would run again).
     */
    @Test
    void aPollLongerThanItsLocksReleasesTheRestInTime() throws Exception {
        String test = unique("queue-locks");
        String topic = createTopic(test, 1);
        String group = unique("queue-group");
        Properties props = queueApp(topic, group, createTopic(unique("queue-locks-dlq"), 1));
        props.setProperty("flows.queue.concurrency", "1");
        props.setProperty("flows.queue.max-poll-records", "12");
        lockRecordsFor(group, 5000);
        for (int i = 0; i < 12; i++) {
            produce(topic, "k" + i, test + ":" + i + ":slow");
        }
        try (LogCapture log = LogCapture.of(KafkaQueueConsumer.class.getName()); InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> QueueTestSink.TAKEN.getOrDefault(test, List.of()).size() >= 12);
            assertTrue(log.lines().stream().anyMatch(l -> l.contains(" of 12 records of a poll unprocessed")),
                    "the whole poll came at once and its tail was released: " + log.lines());
            // with 5 s locks, a job whose acknowledgement came too late would run again within the hold
            await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20)).until(() ->
                    QueueTestSink.TAKEN.get(test).size() == 12);
            List<String> jobs = QueueTestSink.TAKEN.get(test).stream().map(t -> t.split("@")[0]).sorted().toList();
            assertEquals(12, jobs.stream().distinct().count(), "every job ran: " + QueueTestSink.TAKEN.get(test));
            assertEquals(12, jobs.size(), "none twice: " + QueueTestSink.TAKEN.get(test));
        }
    }

    /**
     * The poison kinds of the dead-letter tests (not JSON, invalid UTF-8, empty, not an object, no id, broken JSON
     * with a header that would redirect a produce: its dead letter still lands in the DLQ) through a sink that parses
     * jobs like the consumer flow: each is dead-lettered once, with its bytes, key and delivery count 1, and rejected
     * (not handed out again under 2 s locks); the good jobs between them run once.
     */
    @Test
    void everyPoisonKindIsDeadLetteredOnceAndTheGoodJobsRun() throws Exception {
        String test = unique("queue-poison");
        String topic = createTopic(test, 1);
        String dlq = createTopic(unique("queue-poison-dlq"), 1);
        String group = unique("queue-group");
        Properties props = queueApp(topic, group, dlq);
        props.setProperty("flows.queue.sink", "class:io.kafkaflows.queue.QueueTestSink?method=parse");
        lockRecordsFor(group, 2000);
        byte[] invalidUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put("not-json", bytes("not json at all"));
        poison.put("bad-utf8", invalidUtf8);
        poison.put("empty", new byte[0]);
        poison.put("array", bytes("[1,2,3]"));
        poison.put("no-id", bytes("{\"text\":\"no id\"}"));
        poison.put("broken", bytes("{oops"));
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        int good = 0;
        for (Map.Entry<String, byte[]> p : poison.entrySet()) {
            input.add(new ProducerRecord<>(topic, bytes(test + "-" + p.getKey()), p.getValue()));
            input.add(new ProducerRecord<>(topic, bytes("k"), bytes("{\"id\":\"" + test + "-good-" + good++ + "\"}")));
        }
        input.get(input.size() - 2).headers().add("CAMELKAFKAOVERRIDETOPIC", bytes("hijack"));
        produce(input);
        try (InProcessApp app = InProcessApp.start(props)) {
            int jobs = good;
            Supplier<List<String>> ran = () -> QueueTestSink.PARSED.stream().filter(id -> id.startsWith(test)).toList();
            await().atMost(Duration.ofSeconds(60)).until(() -> ran.get().size() >= jobs && readToEnd(dlq, "read_committed").size() >= poison.size());
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(20)).until(() ->
                    ran.get().size() == jobs && readToEnd(dlq, "read_committed").size() == poison.size());
            assertEquals(jobs, ran.get().stream().distinct().count(), "every good job ran once: " + ran.get());
            Map<String, byte[]> dead = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> d : readToEnd(dlq, "read_committed")) {
                String kind = text(d.key()).substring(test.length() + 1);
                assertEquals("1", text(d.headers().lastHeader(DeadLetterHeaders.DELIVERY_COUNT).value()), kind);
                dead.put(kind, d.value() == null ? new byte[0] : d.value());
            }
            assertEquals(poison.keySet(), dead.keySet(), "each poison kind dead-lettered once");
            poison.forEach((kind, value) -> assertArrayEquals(value, dead.get(kind), kind));
        }
    }
}
