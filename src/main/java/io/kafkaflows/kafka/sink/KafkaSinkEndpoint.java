package io.kafkaflows.kafka.sink;

import java.util.List;

import io.kafkaflows.kafka.KafkaRecords;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What the project's own Kafka sinks ({@code kafka-tx:}, {@code kafka-poll-batch:}) share: a topic, producer only,
 * and the record an exchange becomes. The sinks write with the project's producers, not camel-kafka's, but build
 * the record as a {@code kafka:} producer would: key from {@link KafkaConstants#KEY}, partition from
 * {@link KafkaConstants#PARTITION_KEY} (else the partitioner picks one), value the body (bytes), headers the
 * message's headers that the Kafka component's {@link HeaderFilterStrategy} lets out
 * ({@code camel.component.kafka.header-filter-strategy}). Brokers, security and tuning are the Kafka component's
 * ({@code camel.component.kafka.*}).
 */
public abstract class KafkaSinkEndpoint extends DefaultEndpoint implements HeaderFilterStrategyAware {

    @UriPath(description = "Name of the topic to write to")
    @Metadata(required = true)
    private final String topic;

    @UriParam(label = "advanced",
              description = "To use a custom HeaderFilterStrategy to filter headers from the Camel message to the"
                      + " Kafka record. By default the Kafka component's (camel.component.kafka.header-filter-strategy),"
                      + " so the same headers are left out as by a kafka: producer.")
    private HeaderFilterStrategy headerFilterStrategy;

    protected KafkaSinkEndpoint(String uri, KafkaSinkComponent component, String topic) {
        super(uri, component);
        this.topic = topic;
    }

    public String getTopic() {
        return topic;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (headerFilterStrategy == null) {
            headerFilterStrategy = KafkaRecords.componentHeaderFilter(getCamelContext());
        }
    }

    /** The record the exchange's message becomes on this endpoint's topic. */
    public ProducerRecord<byte[], byte[]> record(Exchange exchange) {
        return record(exchange, headers(exchange));
    }

    /** The Kafka headers the exchange's message becomes (what the header filter strategy lets out). */
    public List<Header> headers(Exchange exchange) {
        return KafkaRecords.headersOf(exchange, exchange.getMessage(), headerFilterStrategy);
    }

    /** The record the exchange's message becomes, with these headers (from {@link #headers}, perhaps amended). */
    public ProducerRecord<byte[], byte[]> record(Exchange exchange, List<Header> headers) {
        Message message = exchange.getMessage();
        return new ProducerRecord<>(topic, message.getHeader(KafkaConstants.PARTITION_KEY, Integer.class), null,
                message.getHeader(KafkaConstants.KEY, byte[].class), message.getBody(byte[].class), headers);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(getComponent().getDefaultName() + " is a sink; consume with kafka:");
    }
}
