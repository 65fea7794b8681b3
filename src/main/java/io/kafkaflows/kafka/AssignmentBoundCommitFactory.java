package io.kafkaflows.kafka;

import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * The component's manual commit factory ({@code camel.component.kafka.kafka-manual-commit-factory}): synchronous
 * commits, as camel-kafka's default (being a subclass of it, camel-kafka keeps its synchronous commit manager, which
 * also commits on revocation and before a failed record is read again), each bound to the assignment its record was
 * polled under ({@link AssignmentBoundCommit}).
 */
public class AssignmentBoundCommitFactory extends DefaultKafkaManualCommitFactory {

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager commitManager) {
        return new AssignmentBoundCommit(exchange, record, commitManager);
    }
}
