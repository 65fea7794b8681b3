package io.kafkaflows.kafka.sink;

import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.Metadata;

/** The headers the Kafka sinks read (camel-kafka's names, documented in the sinks' component metadata). */
public final class KafkaSinkHeaders {

    @Metadata(label = "producer", description = "The record key", javaType = "byte[]")
    public static final String KEY = KafkaConstants.KEY;

    @Metadata(label = "producer", javaType = "Integer",
              description = "The partition to write the record to; without it the producer's partitioner picks one"
                      + " (by key)")
    public static final String PARTITION_KEY = KafkaConstants.PARTITION_KEY;

    @Metadata(label = "producer", javaType = "io.kafkaflows.kafka.tx.ConsumerBoundCommit",
              description = "Set by the route's kafka: consumer (allowManualCommit=true,"
                      + " kafkaManualCommitFactory=#consumerBoundCommitFactory): the consumer and record whose"
                      + " transaction or poll the write belongs to")
    public static final String MANUAL_COMMIT = KafkaConstants.MANUAL_COMMIT;

    private KafkaSinkHeaders() {
    }
}
