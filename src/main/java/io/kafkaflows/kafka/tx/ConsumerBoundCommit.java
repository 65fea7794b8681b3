package io.kafkaflows.kafka.tx;

import io.kafkaflows.kafka.AssignmentGuardedKafkaConsumer;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What camel-kafka puts on each exchange (header {@code CamelKafkaManualCommit}) of a route whose endpoint uses
 * {@link ConsumerBoundCommitFactory}: the record's partition and offset and the consumer that read it, so that
 * {@link KafkaTransactions} can commit the offset inside a producer transaction with the consumer's group
 * metadata. It never commits on its own.
 */
public final class ConsumerBoundCommit implements KafkaManualCommit {

    private final Consumer<?, ?> consumer;
    private final TopicPartition partition;
    private final long offset;
    private final long epoch;

    ConsumerBoundCommit(Consumer<?, ?> consumer, TopicPartition partition, long offset) {
        this.consumer = consumer;
        this.partition = partition;
        this.offset = offset;
        this.epoch = consumer instanceof AssignmentGuardedKafkaConsumer<?, ?> g ? g.assignmentEpoch(partition) : -1;
    }

    /**
     * True once the record's partition was revoked or lost after the record was polled (even if assigned back): a
     * record waiting in a camel-kafka batch is then read again from the committed offset, so it must not be sent.
     */
    public boolean stale() {
        return consumer instanceof AssignmentGuardedKafkaConsumer<?, ?> g && g.assignmentEpoch(partition) != epoch;
    }

    /**
     * The record behind an exchange of a route consuming with this factory; {@code component} (kafka-tx, kafka-poll-batch)
     * names the component asking, for the error message when the route is not set up so.
     */
    public static ConsumerBoundCommit of(Exchange exchange, String component) {
        Object header = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT);
        if (header instanceof ConsumerBoundCommit record) {
            return record;
        }
        throw new IllegalStateException(component + " needs a route consuming with allowManualCommit=true and"
                + " kafkaManualCommitFactory=#consumerBoundCommitFactory, and the Kafka headers kept");
    }

    public Consumer<?, ?> consumer() {
        return consumer;
    }

    public TopicPartition partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    @Override
    public void commit() {
        throw new UnsupportedOperationException("offsets of this route are committed inside its Kafka transaction");
    }
}
