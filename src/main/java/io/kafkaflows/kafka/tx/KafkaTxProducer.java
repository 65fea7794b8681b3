package io.kafkaflows.kafka.tx;

import io.kafkaflows.kafka.sink.KafkaSinkProducer;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the exchange's message as one record inside the consumer's open transaction (no wait: the commit flushes)
 * and marks the input record done; on the last record of a poll this commits outputs and offsets together.
 */
public class KafkaTxProducer extends KafkaSinkProducer<KafkaTransactions> {

    KafkaTxProducer(KafkaTxEndpoint endpoint) {
        super(endpoint, KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
    }

    @Override
    protected void write(KafkaTransactions transactions, Exchange exchange, ProducerRecord<byte[], byte[]> record) {
        if (exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT) == null) {
            transactions.sendInCurrentTransaction(record);
        } else if (((KafkaTxEndpoint) getEndpoint()).isRecordDone()) {
            transactions.sendAndDone(exchange, record);
        } else {
            transactions.send(exchange, record);
        }
    }
}
