package io.kafkaflows.kafka.tx;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.CamelContextHelper;

/**
 * For a {@code doCatch} around steps that change state inside a transaction: aborts the consumer's open transaction
 * and fails the exchange with {@link TransactionAbortedException}, so the record is read again from the committed
 * offsets instead of being retried in place on half-changed state.
 */
public class TransactionAbortProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        KafkaTransactions transactions = CamelContextHelper.mandatoryLookup(exchange.getContext(),
                KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        throw transactions.abort(exchange, caught != null ? caught : new IllegalStateException("unknown failure"));
    }
}
