package io.kafkaflows.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An offset commit refused because the member left its group in between (the sink took longer than
 * max.poll.interval.ms on the first record, so the group is Empty when the poll's commit runs): the records were
 * delivered, so nothing is dead-lettered; they are read again and committed, every one reaches the sink (some
 * twice: at-least-once), and the group ends committed at the end of the input.
 */
class CommitFailedIsNotDeadLetteredTest extends KafkaTestSupport {

    @Test
    void refusedCommitReadsAgainAndDeadLettersNothing() {
        Properties props = appProperties();
        String topic = createTopic(props.getProperty("flows.consumer.topic"), 1);
        String dlq = createTopic(unique("commit-failed-dead"), 1);
        String group = props.getProperty("flows.consumer.group-id");
        props.setProperty("flows.consumer.sink", "mock:consumed");
        props.setProperty("flows.consumer.dlq-topic", dlq);
        props.setProperty("camel.component.kafka.max-poll-interval-ms", "5000");
        for (String key : List.of("flows.consumer.max-poll-records", "flows.transform.max-poll-records",
                "flows.window.max-poll-records", "flows.eos.max-poll-records", "flows.consumer.batch-size")) {
            props.setProperty(key, "10");
        }
        props.setProperty("flows.errors.initial-delay", "10");
        props.setProperty("flows.errors.max-delay", "40");
        props.setProperty("flows.errors.kafka-unavailable-backoff-ms", "200");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(new ProducerRecord<>(topic, bytes("k"), bytes("{\"id\":" + i + "}")));
        }
        produce(records);
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        AtomicBoolean first = new AtomicBoolean(true);
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            sink.whenAnyExchangeReceived(e -> {
                if (first.getAndSet(false)) {
                    // held past max.poll.interval.ms: the consumer leaves the group before this poll commits
                    await().atMost(Duration.ofSeconds(60)).until(() -> admin().describeConsumerGroups(List.of(group))
                            .all().get(10, TimeUnit.SECONDS).get(group).groupState() == GroupState.EMPTY);
                }
                delivered.add(e.getMessage().getBody(String.class));
            });
            await().atMost(Duration.ofSeconds(90)).until(() -> committedTotal(group, topic) == 5);
            assertEquals(5, delivered.size(), delivered.toString());
            assertEquals(0, endOffsetTotal(dlq), "a delivered record whose commit failed was dead-lettered");
        }
    }
}
