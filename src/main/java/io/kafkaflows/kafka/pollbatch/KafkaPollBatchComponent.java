package io.kafkaflows.kafka.pollbatch;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code kafka-poll-batch:<topic>}: an at-least-once Kafka sink that does not wait per record (see {@link PollBatches}):
 * the consumed offsets are committed at the end of each poll once all its sends were acknowledged. Brokers,
 * security and tuning are the Kafka component's ({@code camel.component.kafka.*}). Key: the {@code CamelKafkaKey}
 * header; value: the body (bytes); headers: the message's non-Camel headers.
 */
public class KafkaPollBatchComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("kafka-poll-batch needs a topic: kafka-poll-batch:<topic>");
        }
        KafkaPollBatchEndpoint endpoint = new KafkaPollBatchEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
