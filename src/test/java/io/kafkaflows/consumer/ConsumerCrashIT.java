package io.kafkaflows.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.FreePorts;
import io.kafkaflows.testsupport.HttpSinkServer;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At-least-once of the consumer flow across a killed app process (the packaged jar as a child process), with an
 * HTTP sink set only through the FLOWS_CONSUMER_SINK environment variable. Counts what the sink received: every
 * input at least once, duplicates only for records processed but not yet committed when the process died.
 */
class ConsumerCrashIT extends KafkaTestSupport {

    private static void produceIds(String topic, int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, bytes("k" + i), bytes("{\"id\":" + i + "}")));
        }
        produce(records);
    }

    private static Map<Integer, Long> countsById(List<String> bodies) {
        return bodies.stream().map(b -> Integer.parseInt(b.replaceAll("\\D", "")))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** The app is held inside a poll after processing 50 records and killed before it could commit them. */
    @Test
    void killBetweenProcessingAndCommitRedeliversAndSkipsNothing() {
        String topic = createTopic(unique("crash-commit"), 1);
        String group = unique("crash-group");
        int total = 200;
        produceIds(topic, total);
        try (HttpSinkServer sink = new HttpSinkServer()) {
            sink.holdAfter(50);
            Map<String, String> env = Map.of("FLOWS_CONSUMER_SINK", sink.uri());
            long committedAtKill;
            try (AppProcess first = AppProcess.start(unique("consumer-crash-a"), childAppSettings(topic, group), env)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> sink.received().size() == 50);
                committedAtKill = committedTotal(group, topic);
                assertTrue(committedAtKill < 50, "processed 50, committed " + committedAtKill + ": kill lands before the commit");
                first.kill();
            }
            sink.release();
            try (AppProcess second = AppProcess.start(unique("consumer-crash-b"), childAppSettings(topic, group), env)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> countsById(sink.received()).size() == total);
                await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == total);
                second.stop();
            }
            Map<Integer, Long> counts = countsById(sink.received());
            long duplicates = sink.received().size() - total;
            System.out.printf("kill between processing and commit: %d inputs, %d deliveries, %d duplicates,"
                    + " committed at kill %d%n", total, sink.received().size(), duplicates, committedAtKill);
            assertEquals(total, counts.size(), "nothing skipped");
            assertEquals(50 - committedAtKill, duplicates, "exactly the uncommitted processed records came again");
        }
    }

    /** SIGKILL twice at random points over three partitions, then run to the end: every record arrives. */
    @Test
    void repeatedKillsLoseNothing() {
        String topic = createTopic(unique("crash-random"), 3);
        String group = unique("crash-group");
        int total = 3000;
        produceIds(topic, total);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("repeatedKillsLoseNothing seed " + seed);
        try (HttpSinkServer sink = new HttpSinkServer()) {
            Map<String, String> env = Map.of("FLOWS_CONSUMER_SINK", sink.uri());
            for (int round = 0; round < 2; round++) {
                int killAt = sink.received().size() + 200 + random.nextInt(800);
                try (AppProcess app = AppProcess.start(unique("consumer-kill-" + round), childAppSettings(topic, group), env)) {
                    await().atMost(Duration.ofSeconds(90)).until(() -> sink.received().size() >= killAt);
                    app.kill();
                }
            }
            try (AppProcess last = AppProcess.start(unique("consumer-kill-final"), childAppSettings(topic, group), env)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> countsById(sink.received()).size() == total);
                await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(group, topic) == total);
                last.stop();
            }
            Set<Integer> missing = new TreeSet<>();
            Map<Integer, Long> counts = countsById(sink.received());
            for (int i = 0; i < total; i++) {
                if (!counts.containsKey(i)) {
                    missing.add(i);
                }
            }
            System.out.printf("2 SIGKILLs (seed %d): %d inputs, %d deliveries, %d duplicates, %d missing%n",
                    seed, total, sink.received().size(), sink.received().size() - total, missing.size());
            assertTrue(missing.isEmpty(), "missing: " + missing);
        }
    }
}
