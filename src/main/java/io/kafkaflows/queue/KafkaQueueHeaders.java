package io.kafkaflows.queue;

import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.Metadata;

/** The headers a {@code kafka-queue:} consumer sets (camel-kafka's names where camel-kafka has one). */
public final class KafkaQueueHeaders {

    @Metadata(label = "consumer", description = "The topic the record was read from", javaType = "String")
    public static final String TOPIC = KafkaConstants.TOPIC;

    @Metadata(label = "consumer", description = "The record's partition", javaType = "Integer")
    public static final String PARTITION = KafkaConstants.PARTITION;

    @Metadata(label = "consumer", description = "The record's offset", javaType = "Long")
    public static final String OFFSET = KafkaConstants.OFFSET;

    @Metadata(label = "consumer", description = "The record key", javaType = "byte[]")
    public static final String KEY = KafkaConstants.KEY;

    @Metadata(label = "consumer", description = "The record's timestamp", javaType = "Long")
    public static final String TIMESTAMP = KafkaConstants.TIMESTAMP;

    @Metadata(label = "consumer", javaType = "Integer",
              description = "How many times the share group has handed this record out, this time included (1 on the"
                      + " first delivery)")
    public static final String DELIVERY_COUNT = "CamelKafkaQueueDeliveryCount";

    @Metadata(label = "consumer", javaType = "Boolean",
              description = "True on the delivery the endpoint's maxDeliveries names as the last: released again, the"
                      + " broker would archive the record")
    public static final String LAST_DELIVERY = "CamelKafkaQueueLastDelivery";

    private KafkaQueueHeaders() {
    }
}
