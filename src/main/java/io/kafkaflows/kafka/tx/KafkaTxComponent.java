package io.kafkaflows.kafka.tx;

import io.kafkaflows.kafka.sink.KafkaSinkComponent;
import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import org.apache.camel.spi.annotations.Component;

/** {@code kafka-tx:<topic>} ({@link KafkaTxEndpoint}). */
@Component(KafkaTxEndpoint.SCHEME)
public class KafkaTxComponent extends KafkaSinkComponent {

    @Override
    protected KafkaSinkEndpoint newEndpoint(String uri, String topic) {
        return new KafkaTxEndpoint(uri, this, topic);
    }
}
