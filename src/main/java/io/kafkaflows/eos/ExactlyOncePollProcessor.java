package io.kafkaflows.eos;

import java.util.List;

import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import io.kafkaflows.kafka.tx.TransactionalPollSupport;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;

/**
 * The exactly-once flow's poll mode ({@link TransactionalPollSupport}): each record's output is written into the
 * consumer's open transaction ({@link KafkaTransactions}, as {@code kafka-tx:} does), which commits the offsets with
 * the outputs every {@code flows.eos.commit-interval-ms}. A record the transform fails on is retried in place, then
 * dead-lettered inside the transaction.
 */
public final class ExactlyOncePollProcessor extends TransactionalPollSupport {

    /** One record: transformed (retried in place) and written into the transaction, or dead-lettered into it. */
    @Override
    protected void handle(RecordAttempts attempts, Exchange record, boolean traced) throws Exception {
        Message message = record.getMessage();
        Object value = message.getBody();
        RecordAttempts.Failed failed = attempts.attempt(() -> transformed(record, value), e -> e instanceof KafkaException);
        if (failed == null) {
            List<Header> headers = endpoint().headers(record);
            // traced: a send span below the record's, whose context the output carries
            Span send = traced ? RecordTracing.startSend(getCamelContext(), "send", endpoint().getTopic(), headers, false) : null;
            transactions().sendAndDone(record, endpoint().record(record, headers));
            if (send != null) {
                send.end();
            }
            return;
        }
        message.setBody(value);
        // inside the transaction: the dead letter commits (or aborts) with the record's offset
        deadLetters().deadLetter(record, message, failed.failure(), failed.attempts());
        PollRecords.markDeadLettered(record);
    }
}
