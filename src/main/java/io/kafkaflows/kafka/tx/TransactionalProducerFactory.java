package io.kafkaflows.kafka.tx;

import java.time.Duration;
import java.util.Map;

import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.KafkaUnavailableException;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** The transactional producers of {@link KafkaTransactions}, and how their errors are classified. */
public final class TransactionalProducerFactory {

    private TransactionalProducerFactory() {
    }

    /** A transactional producer with {@code initTransactions} done (which fences an earlier holder of the id). */
    static Producer<byte[], byte[]> initialised(CamelContext camelContext, String transactionalId) {
        Producer<byte[], byte[]> producer = KafkaRecords.bytesProducer(camelContext, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.CLIENT_ID_CONFIG, transactionalId));
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            // no producer leaks; a missing ACL goes to the access-denied handling as it is, anything else
            // (coordinator not available, timeouts) is Kafka's failure, not the record's
            producer.close(Duration.ZERO);
            if (isFatal(e)) {
                throw e;
            }
            throw new KafkaUnavailableException("transactional producer " + transactionalId
                    + " could not be initialised: " + e.getMessage(), e);
        }
    }

    /**
     * Errors after which a transactional producer cannot go on (fenced, not authorized, unsupported).
     * InvalidProducerEpochException is not one of them: since KIP-588 it is abortable (the transaction is aborted, a
     * new producer bumps the epoch and the records are read again).
     */
    public static boolean isFatal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof AuthorizationException || t instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    /** Fenced: a newer producer with the same transactional id, or the coordinator bumped the epoch. */
    static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException) {
                return true;
            }
        }
        return false;
    }
}
