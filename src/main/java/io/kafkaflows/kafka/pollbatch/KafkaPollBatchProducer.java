package io.kafkaflows.kafka.pollbatch;

import io.kafkaflows.kafka.sink.KafkaSinkProducer;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends the exchange's message as one record of the current poll, without waiting ({@link PollBatches}). */
public class KafkaPollBatchProducer extends KafkaSinkProducer<PollBatches> {

    KafkaPollBatchProducer(KafkaPollBatchEndpoint endpoint) {
        super(endpoint, PollBatches.BEAN_NAME, PollBatches.class);
    }

    @Override
    protected void write(PollBatches batches, Exchange exchange, ProducerRecord<byte[], byte[]> record) {
        batches.send(exchange, record);
    }
}
