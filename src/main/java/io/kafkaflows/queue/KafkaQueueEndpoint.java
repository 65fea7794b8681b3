package io.kafkaflows.queue;

import io.kafkaflows.kafka.KafkaRecords;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Consume a Kafka topic as a work queue through a share group (KIP-932, {@code KafkaShareConsumer}): any number of
 * consumers per partition, each record handed to one of them and acknowledged on its own once the route is done
 * with it: ACCEPT when the route succeeded, REJECT when its error handler handled the failure (dead-lettered it),
 * RELEASE when the failure is left unhandled, so the broker hands the record out again (to this or another consumer)
 * until its delivery count reaches the group's limit. Brokers, security and tuning are the Kafka component's
 * ({@code camel.component.kafka.*}).
 */
@UriEndpoint(firstVersion = "1.0.0", scheme = KafkaQueueEndpoint.SCHEME, title = "Kafka Queue (share group)",
             syntax = "kafka-queue:topic", consumerOnly = true, category = { Category.MESSAGING },
             headersClass = KafkaQueueHeaders.class)
public class KafkaQueueEndpoint extends DefaultEndpoint implements HeaderFilterStrategyAware {

    public static final String SCHEME = "kafka-queue";

    @UriPath(description = "Name of the topic to consume")
    @Metadata(required = true)
    private final String topic;

    @UriParam(label = "consumer", description = "The share group's id")
    @Metadata(required = true)
    private String groupId;

    @UriParam(label = "consumer", defaultValue = "1",
              description = "Share consumers in this instance, each on its own thread; unlike a consumer group, more"
                      + " consumers than partitions all get records")
    private int concurrency = 1;

    @UriParam(label = "consumer", defaultValue = "100", description = "The most records one poll hands to a consumer")
    private int maxPollRecords = 100;

    @UriParam(label = "consumer", defaultValue = "1000", description = "How long a poll waits for records (ms)")
    private long pollTimeoutMs = 1000;

    @UriParam(label = "consumer", defaultValue = "earliest", enums = "earliest,latest",
              description = "Where a new share group starts (the group config share.auto.offset.reset, set when the"
                      + " consumer starts): earliest takes the records already in the topic, as a queue's backlog")
    private String startOffset = "earliest";

    @UriParam(label = "consumer", defaultValue = "5",
              description = "How many times the group hands a record out (set as the group config"
                      + " share.delivery.count.limit when the consumer starts; the broker allows 2 to 10 by default):"
                      + " on the last delivery the header CamelKafkaQueueLastDelivery is true, so the route's error"
                      + " handler can dead-letter the record instead of releasing it to be archived by the broker unseen")
    private int maxDeliveries = 5;

    @UriParam(label = "advanced",
              description = "To use a custom HeaderFilterStrategy for the record headers that become message headers."
                      + " By default the Kafka component's (camel.component.kafka.header-filter-strategy)")
    private HeaderFilterStrategy headerFilterStrategy;

    KafkaQueueEndpoint(String uri, KafkaQueueComponent component, String topic) {
        super(uri, component);
        this.topic = topic;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException(SCHEME + ":" + topic + " needs a groupId (the share group)");
        }
        if (concurrency < 1 || maxPollRecords < 1 || maxDeliveries < 1) {
            throw new IllegalArgumentException(SCHEME + ":" + topic + ": concurrency, maxPollRecords and maxDeliveries"
                    + " must be at least 1");
        }
        if (headerFilterStrategy == null) {
            headerFilterStrategy = KafkaRecords.componentHeaderFilter(getCamelContext());
        }
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        KafkaQueueConsumer consumer = new KafkaQueueConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(SCHEME + " only consumes; write to the topic with kafka:");
    }

    public String getTopic() {
        return topic;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public int getMaxPollRecords() {
        return maxPollRecords;
    }

    public void setMaxPollRecords(int maxPollRecords) {
        this.maxPollRecords = maxPollRecords;
    }

    public long getPollTimeoutMs() {
        return pollTimeoutMs;
    }

    public void setPollTimeoutMs(long pollTimeoutMs) {
        this.pollTimeoutMs = pollTimeoutMs;
    }

    public String getStartOffset() {
        return startOffset;
    }

    public void setStartOffset(String startOffset) {
        this.startOffset = startOffset;
    }

    public int getMaxDeliveries() {
        return maxDeliveries;
    }

    public void setMaxDeliveries(int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }
}
