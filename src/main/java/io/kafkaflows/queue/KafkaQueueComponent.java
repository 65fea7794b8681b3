package io.kafkaflows.queue;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** {@code kafka-queue:<topic>} ({@link KafkaQueueEndpoint}); options bound and checked by Camel. */
@Component(KafkaQueueEndpoint.SCHEME)
public class KafkaQueueComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(KafkaQueueEndpoint.SCHEME + " needs a topic: " + KafkaQueueEndpoint.SCHEME + ":<topic>");
        }
        KafkaQueueEndpoint endpoint = new KafkaQueueEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
