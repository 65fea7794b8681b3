package io.kafkaflows.kafka.pollbatch;

import io.kafkaflows.kafka.KafkaRecords;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A topic written without waiting; the consumed offsets commit once the poll's sends are acknowledged. */
public class KafkaPollBatchEndpoint extends DefaultEndpoint {

    private final String topic;

    KafkaPollBatchEndpoint(String uri, KafkaPollBatchComponent component, String topic) {
        super(uri, component);
        this.topic = topic;
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) {
                PollBatches batches = CamelContextHelper.mandatoryLookup(getCamelContext(), PollBatches.BEAN_NAME, PollBatches.class);
                Message message = exchange.getMessage();
                batches.send(exchange, new ProducerRecord<>(topic, null, message.getHeader(KafkaConstants.KEY, byte[].class),
                        message.getBody(byte[].class), KafkaRecords.headersOf(message, name -> false)));
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("kafka-poll-batch is a sink; consume with kafka:");
    }
}
