package io.kafkaflows.kafka.pollbatch;

import io.kafkaflows.kafka.sink.KafkaSinkComponent;
import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import org.apache.camel.spi.annotations.Component;

/** {@code kafka-poll-batch:<topic>} ({@link KafkaPollBatchEndpoint}). */
@Component(KafkaPollBatchEndpoint.SCHEME)
public class KafkaPollBatchComponent extends KafkaSinkComponent {

    @Override
    protected KafkaSinkEndpoint newEndpoint(String uri, String topic) {
        return new KafkaPollBatchEndpoint(uri, this, topic);
    }
}
