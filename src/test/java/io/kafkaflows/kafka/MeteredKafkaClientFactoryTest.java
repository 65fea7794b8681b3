package io.kafkaflows.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.kafkaflows.testsupport.KafkaTestSupport;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 20 consumers and 20 producers made and closed by the client factory the routes use, as camel-kafka recreates them
 * after failures: while a client is open its kafka_* meters are registered; once closed, its binder's scheduler
 * thread has ended and none of its meters is left, so threads and meters do not grow with recreations.
 */
class MeteredKafkaClientFactoryTest extends KafkaTestSupport {

    private static final String BINDER_THREAD = "micrometer-kafka-metrics";

    @Test
    void closedClientsLeaveNoThreadsOrMeters() throws Exception {
        String topic = createTopic(unique("metered"), 1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("meters", registry);
            MeteredKafkaClientFactory factory = new MeteredKafkaClientFactory();
            factory.setCamelContext(context);
            long threadsBefore = binderThreads();
            Set<String> clientIds = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                String id = unique("metered-client");
                clientIds.add(id);
                try (Producer<byte[], byte[]> producer = factory.getProducer(producerProps(id + "-p"));
                     Consumer<byte[], byte[]> consumer = factory.getConsumer(consumerProps(id + "-c"))) {
                    producer.send(new ProducerRecord<>(topic, bytes("k"), bytes("v" + i))).get();
                    consumer.assign(List.of(new TopicPartition(topic, 0)));
                    consumer.poll(Duration.ofMillis(200));
                    assertTrue(meters(registry, id) > 0, "an open client's metrics are registered");
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> binderThreads() <= threadsBefore);
            assertEquals(0, clientIds.stream().mapToLong(id -> meters(registry, id)).sum(), "meters of closed clients");
        }
    }

    private static long binderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(BINDER_THREAD)).count();
    }

    private static long meters(SimpleMeterRegistry registry, String clientIdPrefix) {
        return registry.getMeters().stream().map(Meter::getId)
                .filter(m -> m.getTag("client.id") != null && m.getTag("client.id").startsWith(clientIdPrefix)).count();
    }

    private static Properties producerProps(String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static Properties consumerProps(String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
