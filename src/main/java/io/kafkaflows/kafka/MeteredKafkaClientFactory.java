package io.kafkaflows.kafka;

import io.kafkaflows.Meters;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * camel-kafka's client factory, plus Micrometer's Kafka binder on every producer and consumer the routes create,
 * so the clients' own metrics (kafka_consumer_*, kafka_producer_*) appear on /observe/metrics, for as long as each
 * client lives. Consumers never move their group's offsets back ({@link AssignmentGuardedKafkaConsumer}).
 * Configured once: {@code camel.component.kafka.kafka-client-factory}.
 */
public class MeteredKafkaClientFactory extends DefaultKafkaClientFactory implements CamelContextAware {

    private CamelContext camelContext;

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return new MeteredKafkaProducer<>(kafkaProps, Meters.registry(camelContext));
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return new AssignmentGuardedKafkaConsumer<>(kafkaProps, Meters.registry(camelContext));
    }
}
