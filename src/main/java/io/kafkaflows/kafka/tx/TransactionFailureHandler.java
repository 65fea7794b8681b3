package io.kafkaflows.kafka.tx;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import io.kafkaflows.kafka.RouteStopper;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link KafkaTransactions} does when a transaction fails: poisons the consumer (nothing it polls may commit
 * until it reads again from the committed offsets), aborts, and on a fatal error closes the producer; a fenced
 * producer is replaced unless it is fenced again and again ({@link ProducerFencingPolicy}: another holder of the
 * id), which, like any other fatal error (not authorized), stops the route and reports DOWN on
 * {@link KafkaTransactionsHealthCheck} instead of spinning.
 */
final class TransactionFailureHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionFailureHandler.class);

    private final Map<String, ConsumerTransaction> transactions;
    private final KafkaTransactionsHealthCheck health = new KafkaTransactionsHealthCheck();
    private final ProducerFencingPolicy fencing = new ProducerFencingPolicy(3, 60_000, System::currentTimeMillis);
    /**
     * Consumers whose transaction failed. Kept apart from the transaction, which is dropped when its producer is
     * closed, so a failure whose exception Camel swallows (inside an aggregate completion) cannot be followed by a
     * fresh transaction that commits the rest of the poll.
     */
    private final Set<Consumer<?, ?>> poisoned = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private CamelContext camelContext;

    /** @param transactions the open transactions by route id; a closed one is removed */
    TransactionFailureHandler(Map<String, ConsumerTransaction> transactions) {
        this.transactions = transactions;
    }

    void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    KafkaTransactionsHealthCheck health() {
        return health;
    }

    boolean isPoisoned(Consumer<?, ?> consumer) {
        return poisoned.contains(consumer);
    }

    void rewound(Consumer<?, ?> consumer) {
        poisoned.remove(consumer);
    }

    /** Handles the failure; returns the exception that fails the exchange, so the route re-reads. */
    TransactionAbortedException fail(ConsumerTransaction tx, RuntimeException e) {
        poisoned.add(tx.consumer);
        RuntimeException fatal = TransactionalProducerFactory.isFatal(e) ? e : null;
        if (fatal == null) {
            LOG.warn("Aborting transaction {} ({} records) after {}; the route re-reads from the last committed offsets",
                    tx.transactionalId, tx.records, e.toString());
            fatal = abortOrFatal(tx);
        }
        if (fatal != null && TransactionalProducerFactory.isFenced(fatal)) {
            close(tx);
            if (fencing.replaceAfterFencing(tx.routeId)) {
                LOG.warn("Transactional producer {} was fenced ({}): the coordinator aborted a transaction that outlived"
                        + " transaction.timeout.ms, or another producer took the id. A new producer replaces it and"
                        + " route {} re-reads from the last committed offsets", tx.transactionalId, fatal, tx.routeId);
            } else {
                String reason = "another producer uses transactional id " + tx.transactionalId + " (fenced "
                        + fencing.describe() + "); give each instance its own flows.eos.transactional-id";
                LOG.error("Transactional producer {} cannot go on: {}. Stopping route {} (nothing of the open"
                        + " transaction is visible); start it again once the other holder is gone",
                        tx.transactionalId, reason, tx.routeId);
                stopRouteLater(tx.routeId, reason);
            }
        } else if (fatal != null) {
            LOG.error("Transactional producer {} cannot go on ({}): stopping route {} (nothing of the open"
                    + " transaction is visible); fix the cause and start the route again", tx.transactionalId,
                    fatal.toString(), tx.routeId);
            close(tx);
            stopRouteLater(tx.routeId, fatal.toString());
        }
        return new TransactionAbortedException("transaction " + tx.transactionalId + " aborted: " + e, e);
    }

    /** Aborts; returns the abort's own error if that one is fatal (the producer is then closed). */
    RuntimeException abortOrFatal(ConsumerTransaction tx) {
        try {
            if (tx.open) {
                tx.producer.abortTransaction();
            }
            tx.reset();
            return null;
        } catch (RuntimeException abortFailure) {
            LOG.warn("Abort of {} failed ({}); closing the producer", tx.transactionalId, abortFailure.toString());
            close(tx);
            return TransactionalProducerFactory.isFatal(abortFailure) ? abortFailure : null;
        }
    }

    void close(ConsumerTransaction tx) {
        transactions.remove(tx.routeId, tx);
        try {
            tx.producer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // already broken
        }
    }

    private void stopRouteLater(String routeId, String reason) {
        health.routeStopped(routeId, reason);
        RouteStopper.stopLater(camelContext, routeId);
    }
}
