package io.kafkaflows.kafka;

import org.apache.camel.util.CaseInsensitiveMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Inside a split over a camel-kafka batch (a list of exchanges, one per record): makes the record's body and
 * Kafka headers this exchange's message, so the same per-record steps serve single and batch consumption.
 */
public final class BatchRecordProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        if (message.getBody() instanceof Exchange record) {
            message.setHeaders(new CaseInsensitiveMap(record.getMessage().getHeaders()));
            message.setBody(record.getMessage().getBody());
        }
    }
}
