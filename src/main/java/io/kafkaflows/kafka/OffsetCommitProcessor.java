package io.kafkaflows.kafka;

import io.kafkaflows.kafka.pollbatch.PollBatches;
import io.kafkaflows.kafka.tx.ConsumerBoundCommit;
import io.kafkaflows.kafka.tx.TransactionCommitRoutePolicy;
import org.apache.camel.support.CamelContextHelper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.TopicPartition;

/**
 * The last step of an at-least-once Kafka route: commits consumer offsets once the records before it were
 * processed. The route consumes with {@code allowManualCommit=true} and {@code breakOnFirstError=true} (a failure
 * never reaches this step; camel-kafka then commits what was processed and re-reads the failed record).
 * Per record: commits (synchronously) on the last record of each partition in a poll, covering the records
 * before it. Per batch ({@code batching=true}): commits the highest offset of each partition in the batch at the
 * end of the batch route; inside the batch (a record sent or dead-lettered) it marks the record handled for
 * {@link BatchRecordProcessor}. When a record's dead letter cannot be written, {@link #commitBatchBefore} commits
 * the records of the batch before it, so the batch read again starts at that record. On a kafka-poll-batch route
 * the offsets commit with the poll; on a transactional route, with the transaction.
 */
public final class OffsetCommitProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT) instanceof ConsumerBoundCommit) {
            if (TransactionCommitRoutePolicy.isTransactional(exchange)) {
                // the offset commits with the consumer's transaction (kafka-tx:, or the dead letter written into it)
                return;
            }
            // a kafka-poll-batch route: its offsets commit with the poll, after the poll's sends were acknowledged
            CamelContextHelper.mandatoryLookup(exchange.getContext(), PollBatches.BEAN_NAME, PollBatches.class).recordDone(exchange);
            return;
        }
        Endpoint from = exchange.getFromEndpoint();
        if (from instanceof KafkaEndpoint kafka && kafka.getConfiguration().isBatching()) {
            if (!BatchRecordProcessor.markHandled(exchange)) {
                commitBatch(exchange);
            }
        } else if (Boolean.TRUE.equals(exchange.getMessage().getHeader(KafkaConstants.LAST_RECORD_BEFORE_COMMIT))) {
            manualCommit(exchange.getMessage()).commit();
        }
    }

    /** The whole batch: its body is the list of record exchanges, each handled unless an earlier one failed. */
    private static void commitBatch(Exchange exchange) {
        List<KafkaManualCommit> poll = PollRecords.commits(exchange);
        if (poll != null) {
            // one array to the sink: every record went with it, was dead-lettered or skipped
            poll.forEach(KafkaManualCommit::commit);
            return;
        }
        if (!(exchange.getIn().getBody() instanceof List<?> records)) {
            return;
        }
        if (!records.isEmpty() && !BatchRecordProcessor.isHandled(records.get(records.size() - 1))) {
            throw new IllegalStateException("the batch ended with records neither sent nor dead-lettered: not committed, read again");
        }
        commitRecords(records);
    }

    /**
     * A record of a batch failed without being handled (its dead letter could not be written): commits the records
     * of the batch before it, all sent or dead-lettered, so that only the failed record and those after it (skipped
     * by {@link BatchRecordProcessor}) are read again; on a kafka-poll-batch route, the poll's records done before it
     * ({@link PollBatches#commitDoneBefore}). Does nothing elsewhere.
     */
    public static void commitBatchBefore(Exchange exchange) {
        List<?> before = BatchRecordProcessor.recordsBefore(exchange);
        if (before != null) {
            commitRecords(before);
        }
        PollBatches polls = exchange.getContext().getRegistry().lookupByNameAndType(PollBatches.BEAN_NAME, PollBatches.class);
        if (polls != null) {
            polls.commitDoneBefore(exchange);
        }
    }

    private static void commitRecords(List<?> records) {
        Map<TopicPartition, Message> highest = new HashMap<>();
        for (Object item : records) {
            Message m = ((Exchange) item).getMessage();
            if (AssignmentBoundCommit.isStale(m)) {
                continue;
            }
            TopicPartition tp = new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, Integer.class));
            highest.merge(tp, m, (a, b) -> offset(a) >= offset(b) ? a : b);
        }
        for (Message last : highest.values()) {
            manualCommit(last).commit();
        }
    }

    private static long offset(Message m) {
        return m.getHeader(KafkaConstants.OFFSET, Long.class);
    }

    private static KafkaManualCommit manualCommit(Message m) {
        KafkaManualCommit commit = m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("No Kafka manual commit on the exchange: consume with allowManualCommit=true"
                    + " and keep the Kafka headers until this step");
        }
        return commit;
    }
}
