package io.kafkaflows.kafka.pollbatch;

import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import io.kafkaflows.kafka.sink.KafkaSinkHeaders;
import org.apache.camel.Category;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;

/**
 * Write records to a Kafka topic without waiting for each, at least once: the sends of a poll are buffered, and
 * at the end of the poll the producer is flushed and the consumed offsets are committed only once every send was
 * acknowledged (bean pollBatches). Record key, partition, value and headers as {@link KafkaSinkEndpoint} builds
 * them.
 */
@UriEndpoint(firstVersion = "1.0.0", scheme = KafkaPollBatchEndpoint.SCHEME, title = "Kafka Poll Batch Sink",
             syntax = "kafka-poll-batch:topic", producerOnly = true, category = { Category.MESSAGING },
             headersClass = KafkaSinkHeaders.class)
public class KafkaPollBatchEndpoint extends KafkaSinkEndpoint {

    public static final String SCHEME = "kafka-poll-batch";

    KafkaPollBatchEndpoint(String uri, KafkaPollBatchComponent component, String topic) {
        super(uri, component, topic);
    }

    @Override
    public Producer createProducer() {
        return new KafkaPollBatchProducer(this);
    }
}
