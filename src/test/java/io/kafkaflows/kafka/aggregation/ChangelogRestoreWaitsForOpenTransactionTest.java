package io.kafkaflows.kafka.aggregation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A new owner restores a changelog partition while the previous owner's last transaction is still open (its
 * records written, its commit not yet done): the restore waits instead of reading up to the last stable offset
 * without them, and once the transaction commits it completes with the entry the transaction wrote.
 */
class ChangelogRestoreWaitsForOpenTransactionTest extends KafkaTestSupport {

    @Test
    void restoreWaitsForTheOpenTransaction() throws Exception {
        String topic = createTopic(unique("changelog"), 1);
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        ChangelogStore store = new ChangelogStore(topic, consumer, KafkaConsumer::new, Duration.ofMinutes(1));
        try (KafkaProducer<String, byte[]> previousOwner = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("previous-owner"),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            previousOwner.initTransactions();
            previousOwner.beginTransaction();
            previousOwner.send(new ProducerRecord<>(topic, 0, "g:0:1:k", bytes("state"))).get();

            CompletableFuture<Long> restore = CompletableFuture.supplyAsync(() -> store.restore(List.of(0)));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !restore.isDone());

            previousOwner.commitTransaction();
            await().atMost(Duration.ofSeconds(30)).until(restore::isDone);
            assertFalse(restore.isCompletedExceptionally());
            assertArrayEquals(bytes("state"), store.get(0, "g:0:1:k").value());
        }
    }
}
