package io.kafkaflows.kafka.tx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.kafkaflows.HealthChecks;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-transform-produce transactions bound to the Kafka consumer that read the records (bean
 * {@code kafkaTransactions}). Per consumer, one transactional producer ({@code <transactionalIdPrefix>-<routeId>},
 * stable per instance, so a restarted instance fences its predecessor) and at most one open transaction, holding
 * the outputs ({@code kafka-tx:}), dead letters and state-store writes ({@link #sendInCurrentTransaction}); committed
 * with the consumed offsets and the consumer's group metadata (a zombie cannot commit) every
 * {@code commitIntervalMs} or {@code maxRecords} records, across polls, and before partitions are revoked
 * ({@link TransactionalSubscribeAdapter}). On failure: aborted, {@link TransactionAbortedException}, and nothing more
 * of the poll commits until the route re-reads from the committed offsets ({@link TransactionFailureHandler}).
 */
public final class KafkaTransactions extends ServiceSupport implements CamelContextAware {

    public static final String BEAN_NAME = "kafkaTransactions";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransactions.class);

    /** By route id: a transactional route consumes with one consumer thread (consumersCount=1; scale with instances). */
    private final Map<String, ConsumerTransaction> transactions = new ConcurrentHashMap<>();
    private final TransactionFailureHandler failures = new TransactionFailureHandler(transactions);
    private final Map<String, Function<TopicPartition, String>> offsetMetadata = new ConcurrentHashMap<>();
    private final List<Runnable> beforeCommit = new CopyOnWriteArrayList<>();
    /** The transaction the current consumer thread has open: state stores write into it. */
    private final ThreadLocal<ConsumerTransaction> current = new ThreadLocal<>();
    private CamelContext camelContext;
    private String transactionalIdPrefix = "kafka-flows";
    private int maxRecords = 500;
    private long commitIntervalMs = 1000;

    public void setTransactionalIdPrefix(String transactionalIdPrefix) {
        this.transactionalIdPrefix = transactionalIdPrefix;
    }

    public void setMaxRecords(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    public void setCommitIntervalMs(long commitIntervalMs) {
        this.commitIntervalMs = commitIntervalMs;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        failures.setCamelContext(camelContext);
    }

    /** Writes the record inside the transaction of the consumer that read this exchange's record. */
    public void send(Exchange exchange, ProducerRecord<byte[], byte[]> record) {
        sendIn(transactionOf(exchange), record);
    }

    /**
     * Writes the record inside the transaction open on this (consumer) thread, begun by {@link #join}. For state
     * stores that are called without the exchange that triggered them (an aggregation repository).
     */
    public void sendInCurrentTransaction(ProducerRecord<byte[], byte[]> record) {
        ConsumerTransaction tx = current.get();
        if (tx == null || !tx.open || failures.isPoisoned(tx.consumer)) {
            throw new IllegalStateException("no Kafka transaction open on thread " + Thread.currentThread().getName()
                    + ": a transactional state store can only be written while a kafka-tx route processes a record");
        }
        sendIn(tx, record);
    }

    private void sendIn(ConsumerTransaction tx, ProducerRecord<byte[], byte[]> record) {
        try {
            tx.producer.send(record);
        } catch (RuntimeException e) {
            throw fail(tx, e);
        }
    }

    /** Opens (or continues) the transaction of the consumer that read this exchange's record, on this thread. */
    public void join(Exchange exchange) {
        transactionOf(exchange);
    }

    /**
     * Aborts the open transaction of this exchange's consumer after a failure in the middle of a record (state
     * partly written): returns the exception to throw, so the route re-reads from the committed offsets.
     */
    public TransactionAbortedException abort(Exchange exchange, Throwable cause) {
        if (cause instanceof TransactionAbortedException aborted) {
            return aborted;
        }
        ConsumerTransaction tx = current.get() != null || exchange.getFromRouteId() == null ? current.get()
                : transactions.get(exchange.getFromRouteId());
        if (tx == null) {
            return new TransactionAbortedException("no open transaction to abort: " + cause, cause);
        }
        return fail(tx, cause instanceof RuntimeException e ? e : new IllegalStateException(cause));
    }

    /**
     * Commits this partition's offset (unchanged, as given) in the exchange's transaction, so that its offset
     * metadata (e.g. a stream time moved without a record of that partition) is committed with it.
     */
    public void includeOffset(Exchange exchange, TopicPartition partition, long nextOffset) {
        ConsumerTransaction tx = transactionOf(exchange);
        tx.offsets.putIfAbsent(partition, new OffsetAndMetadata(nextOffset));
    }

    /**
     * Runs on the consumer thread just before its transaction commits (inside it): state stores write their
     * buffered changes here with {@link #sendInCurrentTransaction}.
     */
    public void beforeCommit(Runnable hook) {
        beforeCommit.add(hook);
    }

    /**
     * Metadata stored with each committed offset of this route (e.g. a partition's stream time), read when the
     * transaction commits; Kafka keeps it with the consumer group's offsets.
     */
    public void offsetMetadata(String routeId, Function<TopicPartition, String> metadata) {
        offsetMetadata.put(routeId, metadata);
    }

    /** Writes the exchange's output record and marks its input record done (see {@link #recordDone}). */
    public void sendAndDone(Exchange exchange, ProducerRecord<byte[], byte[]> record) {
        send(exchange, record);
        recordDone(exchange);
    }

    /**
     * The exchange's record is done (written or dead-lettered): its offset joins the transaction, which is
     * committed once it holds {@code maxRecords} records or is {@code commitIntervalMs} old. A transaction spans
     * polls: between records it is committed by {@link #commitIfDue} after each poll (also an empty one) and, before
     * the consumer's partitions are revoked, by {@link #commitBeforeRevocation}. A record that never reaches this
     * point (filtered out) is committed with the next one of its partition.
     */
    public void recordDone(Exchange exchange) {
        ConsumerBoundCommit record = ConsumerBoundCommit.of(exchange, KafkaTxEndpoint.SCHEME);
        ConsumerTransaction tx = transactionOf(exchange);
        tx.offsets.put(record.partition(), new OffsetAndMetadata(record.offset() + 1));
        tx.records++;
        if (tx.records >= maxRecords || tx.ageMs() >= commitIntervalMs) {
            commit(tx);
        }
    }

    /**
     * After each poll, on the consumer thread, before the polled records are processed: commits the consumer's open
     * transaction if it is old enough, so the last records before a quiet spell do not wait for the next one. A
     * failed commit is aborted and refuses the consumer's records until it is replaced (see {@link #fail}).
     */
    public void commitIfDue(Consumer<?, ?> consumer) {
        ConsumerTransaction tx = openTransactionOf(consumer);
        if (tx != null && tx.ageMs() >= commitIntervalMs) {
            commitQuietly(tx, "after a poll");
        }
    }

    /**
     * Inside the consumer's rebalance callback, before its partitions are revoked: commits the open transaction, so
     * nothing of it can be committed later for partitions another member then owns (Kafka Streams does the same).
     */
    public void commitBeforeRevocation(Consumer<?, ?> consumer) {
        ConsumerTransaction tx = openTransactionOf(consumer);
        if (tx != null) {
            commitQuietly(tx, "before partitions are revoked");
        }
    }

    /** The consumer lost its partitions (its membership expired): its open transaction can only be aborted. */
    public void abortOnPartitionsLost(Consumer<?, ?> consumer) {
        ConsumerTransaction tx = openTransactionOf(consumer);
        if (tx != null) {
            LOG.warn("Partitions of {} lost: aborting its open transaction ({} records)", tx.transactionalId, tx.records);
            fail(tx, new TransactionAbortedException("partitions lost", null));
        }
    }

    /**
     * Whether the consumer's transaction failed and nothing it polls may commit until it reads again from the
     * committed offsets; {@link #rewound} once it does.
     */
    public boolean isPoisoned(Consumer<?, ?> consumer) {
        return failures.isPoisoned(consumer);
    }

    /** The consumer rejoined its group: every partition it gets is read again from its committed offset. */
    public void rewound(Consumer<?, ?> consumer) {
        failures.rewound(consumer);
    }

    private ConsumerTransaction openTransactionOf(Consumer<?, ?> consumer) {
        return failures.isPoisoned(consumer) ? null : transactions.values().stream()
                .filter(tx -> tx.consumer == consumer && tx.open).findFirst().orElse(null);
    }

    private void commitQuietly(ConsumerTransaction tx, String when) {
        try {
            current.set(tx);
            commit(tx);
        } catch (TransactionAbortedException e) {
            LOG.warn("Commit of {} {} failed; its records are read again: {}", tx.transactionalId, when, e.getMessage());
        }
    }

    private void commit(ConsumerTransaction tx) {
        try {
            beforeCommit.forEach(Runnable::run);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(tx.offsets);
            Function<TopicPartition, String> metadata = offsetMetadata.get(tx.routeId);
            if (metadata != null) {
                offsets.replaceAll((partition, offset) -> new OffsetAndMetadata(offset.offset(), metadata.apply(partition)));
            }
            tx.producer.sendOffsetsToTransaction(offsets, tx.consumer.groupMetadata());
            tx.producer.commitTransaction();
            tx.reset();
            current.remove();
        } catch (RuntimeException e) {
            throw fail(tx, e);
        }
    }

    private TransactionAbortedException fail(ConsumerTransaction tx, RuntimeException e) {
        current.remove();
        return failures.fail(tx, e);
    }

    private ConsumerTransaction transactionOf(Exchange exchange) {
        ConsumerBoundCommit record = ConsumerBoundCommit.of(exchange, KafkaTxEndpoint.SCHEME);
        String routeId = exchange.getFromRouteId();
        if (failures.isPoisoned(record.consumer())) {
            throw new TransactionAbortedException("the transaction of route " + routeId + " was aborted earlier in this"
                    + " poll; the route re-reads from the last committed offsets", null);
        }
        ConsumerTransaction tx = transactionFor(routeId, record.consumer());
        tx.beginIfNeeded();
        current.set(tx);
        return tx;
    }

    /** The consumer's transaction state; its producer is created (initTransactions: fences the id's last holder). */
    ConsumerTransaction transactionFor(String routeId, Consumer<?, ?> consumer) {
        ConsumerTransaction tx = transactions.get(routeId);
        if (tx != null && tx.consumer != consumer) {
            // camel-kafka replaced its consumer (after an error): the new producer below fences the old one
            failures.close(tx);
            tx = null;
        }
        if (tx == null) {
            String transactionalId = transactionalIdPrefix + "-" + routeId;
            tx = new ConsumerTransaction(routeId, consumer, transactionalId,
                    TransactionalProducerFactory.initialised(camelContext, transactionalId));
            transactions.put(routeId, tx);
        }
        return tx;
    }

    @Override
    protected void doStart() {
        HealthChecks.replace(camelContext, failures.health());
    }

    /**
     * After the routes stopped: abort what is still open, so readers are not held until it times out. Camel also
     * stops this bean when one route using it stops (a route stop, a reload): the transactions of the routes still
     * started are theirs to finish, an abort from here would race their consumer thread (which could then commit
     * later offsets in a new transaction, skipping the aborted records).
     */
    @Override
    protected void doStop() {
        for (ConsumerTransaction tx : transactions.values()) {
            if (camelContext != null && camelContext.getRouteController().getRouteStatus(tx.routeId) == ServiceStatus.Started) {
                continue;
            }
            failures.abortOrFatal(tx);
            failures.close(tx);
        }
    }
}
