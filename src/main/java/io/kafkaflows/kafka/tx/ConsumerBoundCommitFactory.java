package io.kafkaflows.kafka.tx;

import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;

/**
 * Set as {@code kafkaManualCommitFactory} on a transactional route's Kafka endpoint (with
 * {@code allowManualCommit=true}). Being neither of camel-kafka's own factories, it also makes camel-kafka use its
 * no-op commit manager: camel-kafka itself never commits this route's offsets (not on revocation, not on errors),
 * so the only commits are the ones inside a transaction.
 */
public final class ConsumerBoundCommitFactory implements KafkaManualCommitFactory {

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager commitManager) {
        return new ConsumerBoundCommit(exchange.consumer, record.partition, record.recordOffset);
    }
}
