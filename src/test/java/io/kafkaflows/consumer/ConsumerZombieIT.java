package io.kafkaflows.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * A zombie cannot rewind the group: two instances of the consumer flow share a group over 3 partitions; one is frozen
 * (SIGSTOP) mid-stream past the session timeout, the other takes its partitions over and goes on, then the frozen one
 * resumes with the records of its last poll in hand and finishes them. Its commits of those records, below what the
 * survivor committed since, must not move the group's offsets back: the committed total never decreases, every
 * record reaches the sink, and duplicates stay within one poll per rebalance (the zombie's poll and the survivor's
 * poll in hand when the zombie rejoins).
 */
class ConsumerZombieIT extends KafkaTestSupport {

    private static final int MAX_POLL_RECORDS = 50;

    @Test
    void resumedZombieDoesNotMoveTheGroupBack() throws Exception {
        int total = 6000;
        String topic = createTopic(unique("consumer-zombie-in"), 3);
        String group = unique("consumer-zombie-group");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            records.add(new ProducerRecord<>(topic, bytes("k" + i), bytes("{\"id\":" + i + "}")));
        }
        produce(records);

        Map<String, String> a = childAppSettings(topic, group);
        a.put("flows.consumer.max-poll-records", String.valueOf(MAX_POLL_RECORDS));
        Map<String, String> b = new HashMap<>(a);
        b.put("camel.server.port", String.valueOf(FreePorts.next()));
        b.put("camel.management.port", String.valueOf(FreePorts.next()));

        AtomicLong highest = new AtomicLong();
        AtomicLong largestStepBack = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (HttpSinkServer sink = new HttpSinkServer()) {
            Map<String, String> env = Map.of("FLOWS_CONSUMER_SINK", sink.uri());
            try (AppProcess zombie = AppProcess.start(unique("consumer-zombie-a"), a, env);
                 AppProcess survivor = AppProcess.start(unique("consumer-zombie-b"), b, env)) {
                sampler.scheduleWithFixedDelay(() -> {
                    long now = committedTotal(group, topic);
                    largestStepBack.accumulateAndGet(highest.get() - now, Math::max);
                    highest.accumulateAndGet(now, Math::max);
                }, 0, 100, TimeUnit.MILLISECONDS);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> kafka().groupMembers(group) == 2 && committedTotal(group, topic) >= 600);
                zombie.pause();
                long frozenAt = committedTotal(group, topic);
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka().groupMembers(group) == 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) > frozenAt + 600);
                zombie.resume();
                await().atMost(Duration.ofSeconds(180)).until(() -> committedTotal(group, topic) == total
                        && countsById(sink.received()).size() == total);
                survivor.stop();
                zombie.stop();
            } finally {
                sampler.shutdownNow();
                sampler.awaitTermination(10, TimeUnit.SECONDS);
            }
            Map<Integer, Long> counts = countsById(sink.received());
            long duplicates = sink.received().size() - total;
            System.out.printf("consumer zombie: %d inputs, %d deliveries, %d distinct, %d duplicates; committed total"
                    + " stepped back by at most %d%n", total, sink.received().size(), counts.size(), duplicates, largestStepBack.get());
            assertEquals(total, counts.size(), "nothing missing");
            assertEquals(0, largestStepBack.get(), "the group's committed offsets never moved back");
            assertTrue(duplicates <= 2L * MAX_POLL_RECORDS, duplicates + " duplicates: more than one poll per rebalance");
        }
    }

    private static Map<Integer, Long> countsById(List<String> bodies) {
        return bodies.stream().map(body -> Integer.parseInt(body.replaceAll("\\D", "")))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
