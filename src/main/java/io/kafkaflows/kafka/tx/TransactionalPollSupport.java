package io.kafkaflows.kafka.tx;

import java.util.List;

import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.TransformPollSupport;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.Exchange;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.common.KafkaException;

/**
 * The transactional poll modes (exactly-once, windowed aggregation): each record of the poll is handled inside the
 * consumer's open transaction ({@link KafkaTransactions}), in its own span when tracing is on. Records of partitions
 * revoked while they waited in the batch are skipped: the transaction committed before the revocation holds
 * everything before them, and the partition's next reader reads them. The transaction's own failures and Kafka's
 * reach the route's error handler as they are; any other failure mid-record aborts the transaction (the poll is
 * read again from the committed offsets).
 */
public abstract class TransactionalPollSupport extends TransformPollSupport {

    /** the shared bean of routes/kafka-commits.camel.yaml, looked up on the first poll (files load in name order) */
    private KafkaTransactions transactions;

    @Override
    protected final void processPoll(Exchange poll, List<?> records, RecordAttempts attempts, boolean traced) throws Exception {
        if (transactions == null) {
            transactions = CamelContextHelper.mandatoryLookup(getCamelContext(), KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        }
        pollStarted();
        for (Object item : records) {
            Exchange record = (Exchange) item;
            if (ConsumerBoundCommit.of(record, KafkaTxEndpoint.SCHEME).stale()) {
                PollRecords.markSkipped(record);
                continue;
            }
            Span span = startRecordSpan(record, traced);
            try (Scope scope = span == null ? null : span.makeCurrent()) {
                TransactionCommitRoutePolicy.markTransactional(record);
                handle(attempts, record, traced);
            } catch (TransactionAbortedException | KafkaException e) {
                throw e;
            } catch (Exception e) {
                // mid-record, with outputs of this poll already in the transaction: abort it
                throw transactions.abort(record, e);
            } finally {
                if (span != null) {
                    span.end();
                }
            }
        }
    }

    /** Before the poll's first record. */
    protected void pollStarted() {
    }

    /** One record, inside the transaction (marked transactional, so a dead letter is written into it). */
    protected abstract void handle(RecordAttempts attempts, Exchange record, boolean traced) throws Exception;

    protected KafkaTransactions transactions() {
        return transactions;
    }
}
