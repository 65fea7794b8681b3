package io.kafkaflows.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.kafkaflows.Meters;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.micrometer.core.instrument.FunctionCounter;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Batch mode across a rebalance: the consumer flow has read 20 records from each of two partitions into a batch that
 * is not full yet (camel-kafka keeps polling until the batch fills or the poll timeout passes) when a second member
 * joins the group and takes one partition. The eager rebalance revokes both partitions and gives one back. When the
 * batch goes out, the records it read before the rebalance are stale: those of the partition now owned by the other
 * member must not be sent or committed by the flow, and those of the partition it got back are read again and must
 * be sent once, not twice.
 */
class ConsumerBatchRebalanceTest extends KafkaTestSupport {

    private static final int PER_PARTITION = 20;

    @Test
    void recordsRevokedWhileWaitingInABatchAreNotSent() throws Exception {
        String topic = createTopic(unique("consumer-batch-rebalance"), 2);
        String group = unique("group");
        Properties props = appProperties();
        props.setProperty("flows.consumer.topic", topic);
        props.setProperty("flows.consumer.group-id", group);
        props.setProperty("flows.consumer.sink", "mock:consumed");
        props.setProperty("flows.consumer.batch", "true");
        props.setProperty("flows.consumer.batch-size", "100");
        props.setProperty("flows.consumer.batch-timeout-ms", "10000");
        try (InProcessApp app = InProcessApp.start(props)) {
            MockEndpoint sink = app.context().getEndpoint("mock:consumed", MockEndpoint.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka().groupMembers(group) == 1);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 2 * PER_PARTITION; i++) {
                records.add(new ProducerRecord<>(topic, i % 2, bytes("k" + i), bytes("{\"id\":" + i + "}")));
            }
            produce(records);
            await().atMost(Duration.ofSeconds(30)).until(() -> recordsConsumed(app, group) >= 2 * PER_PARTITION);

            try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(otherMember(group))) {
                other.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    other.poll(Duration.ofMillis(100));
                    return !other.assignment().isEmpty();
                });
                assertEquals(0, sink.getReceivedCounter(), "precondition: the batch still waits when the rebalance is done");
                Set<TopicPartition> taken = other.assignment();
                assertEquals(1, taken.size());
                int lost = taken.iterator().next().partition();
                int kept = 1 - lost;

                await().atMost(Duration.ofSeconds(60)).until(() -> committed(group, topic).get(kept) != null
                        && committed(group, topic).get(kept) == PER_PARTITION);
                Map<Integer, Long> sent = sink.getReceivedExchanges().stream().map(ConsumerBatchRebalanceTest::id)
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                Map<Integer, Long> expected = new java.util.HashMap<>();
                for (int i = kept; i < 2 * PER_PARTITION; i += 2) {
                    expected.put(i, 1L);
                }
                assertEquals(expected, sent, "each record of the partition kept sent once, none of the partition lost");
                assertNull(committed(group, topic).get(lost), "the partition lost is not committed by the flow");
            }
        }
    }

    private static Properties otherMember(String group) {
        Properties p = kafka().clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Records the flow's consumer has polled (its client id names the group; the per-topic meters come later). */
    private static double recordsConsumed(InProcessApp app, String group) {
        return Meters.registry(app.context()).find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters()
                .stream().filter(c -> c.getId().getTag("topic") == null && c.getId().getTag("client.id").contains(group))
                .mapToDouble(FunctionCounter::count).sum();
    }

    private static int id(Exchange exchange) {
        return Integer.parseInt(exchange.getMessage().getBody(String.class).replaceAll("\\D", ""));
    }
}
