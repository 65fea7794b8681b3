package io.kafkaflows.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer that never moves its group's offsets back: an offset commit is dropped (with a warning) for a partition
 * this consumer does not own, or below the first offset it polled from that partition since it was (re)assigned.
 * Such a commit comes from records read before a rebalance, typically by an instance that was frozen past its
 * session timeout while another took its partitions over and went on; committed, it would rewind the group and have
 * everything after it read again. Dropping it is safe: the records belong to the partition's current owner, which
 * commits them. Each assignment of a partition has its own epoch ({@link #assignmentEpoch}), so that records read
 * before a rebalance can be told from those read since ({@link AssignmentBoundCommit}).
 */
public class AssignmentGuardedKafkaConsumer<K, V> extends MeteredKafkaConsumer<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentGuardedKafkaConsumer.class);

    private static final ConsumerRebalanceListener NO_LISTENER = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    /** An owned partition: the epoch of its assignment and the first offset polled since (-1: none polled yet). */
    private record Ownership(long epoch, long firstPolled) {
    }

    private final AtomicLong epochs = new AtomicLong();
    private final Map<TopicPartition, Ownership> owned = new ConcurrentHashMap<>();

    public AssignmentGuardedKafkaConsumer(Properties props, MeterRegistry registry) {
        super(props, registry);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        super.subscribe(topics, new OwnershipListener(listener));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, new OwnershipListener(listener));
    }

    @Override
    public void subscribe(SubscriptionPattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, new OwnershipListener(listener));
    }

    @Override
    public void subscribe(Collection<String> topics) {
        subscribe(topics, NO_LISTENER);
    }

    @Override
    public void subscribe(Pattern pattern) {
        subscribe(pattern, NO_LISTENER);
    }

    @Override
    public void subscribe(SubscriptionPattern pattern) {
        subscribe(pattern, NO_LISTENER);
    }

    @Override
    public void unsubscribe() {
        owned.clear();
        super.unsubscribe();
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        owned.keySet().retainAll(partitions);
        partitions.forEach(tp -> owned.computeIfAbsent(tp, p -> newlyAssigned()));
        super.assign(partitions);
    }

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        ConsumerRecords<K, V> records = super.poll(timeout);
        for (TopicPartition tp : records.partitions()) {
            long first = records.records(tp).get(0).offset();
            owned.computeIfPresent(tp, (p, o) -> o.firstPolled() < 0 ? new Ownership(o.epoch(), first) : o);
        }
        return records;
    }

    /**
     * The epoch of this consumer's current assignment of the partition, -1 when it does not own it. It changes
     * whenever the partition is revoked, lost or assigned again: a record polled under another epoch was read before
     * a rebalance, and the partition's position (or its new owner) reads it again.
     */
    public long assignmentEpoch(TopicPartition tp) {
        Ownership o = owned.get(tp);
        return o == null ? -1 : o.epoch();
    }

    private Ownership newlyAssigned() {
        return new Ownership(epochs.incrementAndGet(), -1);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        super.commitSync(guarded(offsets));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        super.commitSync(guarded(offsets), timeout);
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        super.commitAsync(guarded(offsets), callback);
    }

    /** The offsets as given, or a copy without those this consumer must not commit (the common case copies nothing). */
    private Map<TopicPartition, OffsetAndMetadata> guarded(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> allowed = offsets;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            String refusal = refusal(e.getKey(), e.getValue().offset());
            if (refusal != null) {
                LOG.warn("Not committing offset {} of {}: {}; its records are read again by the partition's owner",
                        e.getValue().offset(), e.getKey(), refusal);
                if (allowed == offsets) {
                    allowed = new HashMap<>(offsets);
                }
                allowed.remove(e.getKey());
            }
        }
        return allowed;
    }

    private String refusal(TopicPartition tp, long offset) {
        Ownership o = owned.get(tp);
        if (o == null) {
            return "this consumer no longer owns the partition (a rebalance moved it)";
        }
        if (o.firstPolled() < 0) {
            return "nothing was polled from it since it was assigned again";
        }
        return offset < o.firstPolled()
                ? "it is below " + o.firstPolled() + ", the first offset read since the partition was assigned again" : null;
    }

    /** Keeps {@link #owned} in step with the group's assignment around the subscriber's own listener. */
    private final class OwnershipListener implements ConsumerRebalanceListener {
        private final ConsumerRebalanceListener delegate;

        OwnershipListener(ConsumerRebalanceListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> owned.put(tp, newlyAssigned()));
            delegate.onPartitionsAssigned(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // still owned while the subscriber commits what it finished
            try {
                delegate.onPartitionsRevoked(partitions);
            } finally {
                partitions.forEach(owned::remove);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // already owned by another member: nothing of them may be committed any more
            partitions.forEach(owned::remove);
            delegate.onPartitionsLost(partitions);
        }
    }
}
