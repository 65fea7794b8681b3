package io.kafkaflows.kafka;

import java.util.Properties;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka client properties derived from the Kafka component's configuration ({@code camel.component.kafka.*}), so
 * clients the app creates itself (admin, transactional producer) use exactly the brokers, security and tuning
 * that the routes use.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {
    }

    public static Properties producer(CamelContext context) {
        KafkaConfiguration config = configuration(context);
        Properties props = config.createProducerProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.getBrokers());
        return props;
    }

    /** Consumer settings of the component, without a group: for readers that assign partitions themselves. */
    public static Properties consumer(CamelContext context) {
        KafkaConfiguration config = configuration(context);
        Properties props = config.createConsumerProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.getBrokers());
        props.remove(CommonClientConfigs.GROUP_ID_CONFIG);
        return props;
    }

    /**
     * {@link #consumer} as a reader of committed records as bytes (read_committed, no auto commit), named
     * {@code clientId}: the dead-letter replay's and the record browser's.
     */
    public static Properties committedBytesReader(CamelContext context, String clientId) {
        Properties props = consumer(context);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    public static Properties admin(CamelContext context) {
        KafkaConfiguration config = configuration(context);
        Properties consumer = config.createConsumerProperties();
        Set<String> names = AdminClientConfig.configNames();
        Properties props = new Properties();
        consumer.forEach((k, v) -> {
            if (names.contains(k.toString())) {
                props.put(k, v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.getBrokers());
        return props;
    }

    private static KafkaConfiguration configuration(CamelContext context) {
        KafkaConfiguration config = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        if (config.getBrokers() == null || config.getBrokers().isBlank()) {
            throw new IllegalStateException("camel.component.kafka.brokers is not set");
        }
        return config;
    }
}
