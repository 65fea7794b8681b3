package io.kafkaflows.kafka;

import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.CamelExchangePayload;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.KafkaRecordPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record's synchronous manual commit that remembers the assignment epoch of the record's partition when it was
 * polled ({@link AssignmentGuardedKafkaConsumer#assignmentEpoch}). Once a rebalance revoked the partition (even if
 * it was assigned back), the record is stale: its position or its new owner reads it again, so sending it now would
 * only duplicate it, and its commit is dropped. Records wait across polls in a camel-kafka batch
 * ({@code batching=true}), which is where a rebalance can overtake them.
 */
public class AssignmentBoundCommit extends DefaultKafkaManualSyncCommit {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentBoundCommit.class);

    private final AssignmentGuardedKafkaConsumer<?, ?> guard;
    private final long epoch;

    AssignmentBoundCommit(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager commitManager) {
        super(exchange, record, commitManager);
        guard = exchange.consumer instanceof AssignmentGuardedKafkaConsumer<?, ?> g ? g : null;
        epoch = guard == null ? -1 : guard.assignmentEpoch(record.partition);
    }

    /** True once the record's partition was revoked or lost after the record was polled. */
    public boolean stale() {
        return guard != null && guard.assignmentEpoch(getPartition()) != epoch;
    }

    /** True when the message is a record whose partition was revoked or lost since it was polled. */
    public static boolean isStale(Message message) {
        return message.getHeader(KafkaConstants.MANUAL_COMMIT) instanceof AssignmentBoundCommit c && c.stale();
    }

    @Override
    public void commit() {
        if (stale()) {
            LOG.warn("Not committing offset {} of {}: a rebalance revoked the partition since the record was read",
                    getRecordOffset(), getPartition());
            return;
        }
        super.commit();
    }
}
