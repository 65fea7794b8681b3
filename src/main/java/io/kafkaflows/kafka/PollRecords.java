package io.kafkaflows.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * A camel-kafka poll ({@code batching=true}) handled as one exchange whose sink gets one JSON array: the poll's record
 * exchanges stay in exchange property {@value #RECORDS} (for the commit and for dead letters), each marked once it
 * was dead-lettered or skipped (a tombstone, a record of a revoked partition); every other record's event is in the array.
 */
public final class PollRecords {

    /** Exchange property: the poll's record exchanges (camel-kafka's batch body). */
    public static final String RECORDS = "kafkaflowsPollRecords";
    private static final String COMMITS = "kafkaflowsPollCommits";
    private static final String STATE = "kafkaflowsPollState";
    private static final String DEAD_LETTERED = "dead-lettered";
    private static final String SKIPPED = "skipped";

    private PollRecords() {
    }

    public static void start(Exchange poll, List<?> records) {
        poll.setProperty(RECORDS, records);
    }

    /** The poll's record exchanges, or null outside a poll exchange. */
    public static List<?> of(Exchange exchange) {
        return exchange.getProperty(RECORDS, List.class);
    }

    /** The manual commit of each partition's last record of the poll (its revoked partitions left out). */
    public static void commits(Exchange poll, Collection<? extends KafkaManualCommit> commits) {
        poll.setProperty(COMMITS, List.copyOf(commits));
    }

    /** What {@link #commits(Exchange, Collection)} put, or null. */
    @SuppressWarnings("unchecked")
    public static List<KafkaManualCommit> commits(Exchange poll) {
        return poll.getProperty(COMMITS, List.class);
    }

    public static void markDeadLettered(Exchange record) {
        record.setProperty(STATE, DEAD_LETTERED);
    }

    public static void markSkipped(Exchange record) {
        record.setProperty(STATE, SKIPPED);
    }

    public static boolean isDeadLettered(Exchange record) {
        return DEAD_LETTERED.equals(record.getProperty(STATE));
    }

    /** The records of the poll neither dead-lettered nor skipped: those whose events went to the sink. */
    public static List<Exchange> pending(List<?> records) {
        List<Exchange> pending = new ArrayList<>();
        for (Object item : records) {
            Exchange record = (Exchange) item;
            if (record.getProperty(STATE) == null) {
                pending.add(record);
            }
        }
        return pending;
    }
}
