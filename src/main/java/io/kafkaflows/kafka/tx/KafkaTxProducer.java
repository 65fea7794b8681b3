package io.kafkaflows.kafka.tx;

import io.kafkaflows.kafka.KafkaRecords;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the exchange's message as one record inside the consumer's open transaction (no wait: the commit flushes)
 * and marks the input record done; on the last record of a poll this commits outputs and offsets together.
 */
public class KafkaTxProducer extends DefaultProducer {

    private KafkaTransactions transactions;

    KafkaTxProducer(KafkaTxEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        transactions = CamelContextHelper.mandatoryLookup(getEndpoint().getCamelContext(), KafkaTransactions.BEAN_NAME,
                KafkaTransactions.class);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        String topic = ((KafkaTxEndpoint) getEndpoint()).getTopic();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, message.getHeader(KafkaConstants.KEY, byte[].class),
                message.getBody(byte[].class), KafkaRecords.headersOf(message, name -> false));
        if (message.getHeader(KafkaConstants.MANUAL_COMMIT) == null) {
            transactions.sendInCurrentTransaction(record);
        } else if (((KafkaTxEndpoint) getEndpoint()).isRecordDone()) {
            transactions.sendAndDone(exchange, record);
        } else {
            transactions.send(exchange, record);
        }
    }
}
