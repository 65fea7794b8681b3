package io.kafkaflows.kafka.sink;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * Creates the endpoints of one of the project's Kafka sinks ({@code <scheme>:<topic>}); its options are bound and
 * checked by Camel (an unknown one fails with {@code ResolveEndpointFailedException}).
 */
public abstract class KafkaSinkComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(getDefaultName() + " needs a topic: " + getDefaultName() + ":<topic>");
        }
        KafkaSinkEndpoint endpoint = newEndpoint(uri, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    protected abstract KafkaSinkEndpoint newEndpoint(String uri, String topic);
}
