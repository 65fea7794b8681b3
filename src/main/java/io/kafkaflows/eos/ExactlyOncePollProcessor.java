package io.kafkaflows.eos;

import java.util.List;

import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.TransformPollSupport;
import io.kafkaflows.kafka.tx.ConsumerBoundCommit;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import io.kafkaflows.kafka.tx.KafkaTxEndpoint;
import io.kafkaflows.kafka.tx.TransactionAbortedException;
import io.kafkaflows.kafka.tx.TransactionCommitRoutePolicy;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;

/**
 * The exactly-once flow's poll mode ({@link TransformPollSupport}): each record's output is written into the
 * consumer's open transaction ({@link KafkaTransactions}, as {@code kafka-tx:} does), which commits the offsets with
 * the outputs every {@code flows.eos.commit-interval-ms}. A record the transform fails on is retried in place, then
 * dead-lettered inside the transaction. Any other failure mid-record aborts the transaction
 * ({@link TransactionAbortedException}: the poll is read again from the committed offsets). Records of partitions
 * revoked while they waited in the batch are dropped: the transaction committed before the revocation holds
 * everything before them, and the partition's next reader reads them.
 */
public final class ExactlyOncePollProcessor extends TransformPollSupport {

    /** the shared bean of routes/kafka-commits.camel.yaml, looked up on the first poll (declared after this file) */
    private KafkaTransactions transactions;

    @Override
    protected void processPoll(Exchange poll, List<?> records, RecordAttempts attempts, boolean traced) throws Exception {
        if (transactions == null) {
            transactions = CamelContextHelper.mandatoryLookup(getCamelContext(), KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        }
        for (Object item : records) {
            Exchange record = (Exchange) item;
            if (ConsumerBoundCommit.of(record, KafkaTxEndpoint.SCHEME).stale()) {
                PollRecords.markSkipped(record);
                continue;
            }
            Span span = startRecordSpan(record, traced);
            try (Scope scope = span == null ? null : span.makeCurrent()) {
                handle(attempts, record, traced);
            } catch (TransactionAbortedException | KafkaException e) {
                // the transaction's own failure, or Kafka refusing or failing: to the route's error handler as it is
                throw e;
            } catch (Exception e) {
                // mid-record, with outputs of this poll already in the transaction: abort it, the poll is read again
                throw transactions.abort(record, e);
            } finally {
                if (span != null) {
                    span.end();
                }
            }
        }
    }

    /** One record: transformed (retried in place) and written into the transaction, or dead-lettered into it. */
    private void handle(RecordAttempts attempts, Exchange record, boolean traced) throws Exception {
        Message message = record.getMessage();
        Object value = message.getBody();
        TransactionCommitRoutePolicy.markTransactional(record);
        RecordAttempts.Failed failed = attempts.attempt(() -> transformed(record, value), e -> e instanceof KafkaException);
        if (failed == null) {
            List<Header> headers = endpoint().headers(record);
            // traced: a send span below the record's, whose context the output carries
            Span send = traced ? RecordTracing.startSend(getCamelContext(), "send", endpoint().getTopic(), headers, false) : null;
            transactions.sendAndDone(record, endpoint().record(record, headers));
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
