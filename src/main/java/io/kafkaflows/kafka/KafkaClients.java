package io.kafkaflows.kafka;

import java.util.Properties;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Kafka clients the app creates itself (dead letters, replay, transactions, changelog), made by the Kafka
 * component's own client factory ({@code camel.component.kafka.kafka-client-factory}), so they get what the routes'
 * clients get: the same factory, the same metrics (kafka_producer_*, kafka_consumer_*). Settings come from
 * {@link KafkaClientProperties}.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    @SuppressWarnings("unchecked")
    public static <K, V> Producer<K, V> producer(CamelContext context, Properties props) {
        return (Producer<K, V>) factory(context).getProducer(props);
    }

    @SuppressWarnings("unchecked")
    public static <K, V> Consumer<K, V> consumer(CamelContext context, Properties props) {
        return (Consumer<K, V>) factory(context).getConsumer(props);
    }

    /** For code without a Camel context of its own: consumers from this context's factory. */
    public static <K, V> Function<Properties, Consumer<K, V>> consumers(CamelContext context) {
        return props -> consumer(context, props);
    }

    private static KafkaClientFactory factory(CamelContext context) {
        return context.getComponent("kafka", KafkaComponent.class).getKafkaClientFactory();
    }
}
