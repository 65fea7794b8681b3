package io.kafkaflows.kafka.tx;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code kafka-tx:<topic>}: a Kafka sink that writes inside the transaction of the Kafka consumer that read the
 * current record (see {@link KafkaTransactions}). Brokers, security and tuning are the Kafka component's
 * ({@code camel.component.kafka.*}). The record key is the {@code CamelKafkaKey} header, the value the body
 * (bytes), the headers the message's non-Camel headers. {@code ?recordDone=false}: write only (the route calls
 * {@code kafkaTransactions.recordDone} itself); an exchange that did not come from the consumer (an aggregated
 * one) writes into the transaction open on the current consumer thread.
 */
public class KafkaTxComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("kafka-tx needs a topic: kafka-tx:<topic>");
        }
        KafkaTxEndpoint endpoint = new KafkaTxEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
