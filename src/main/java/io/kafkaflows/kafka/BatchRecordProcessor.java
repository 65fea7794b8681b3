package io.kafkaflows.kafka;

import java.util.List;

import org.apache.camel.util.CaseInsensitiveMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Inside a split over a camel-kafka batch (a list of exchanges, one per record): makes the record's body and
 * Kafka headers this exchange's message, so the same per-record steps serve single and batch consumption.
 * The batch breaks on its first error, as camel-kafka's {@code breakOnFirstError} does per record: a record whose
 * predecessor in the batch was neither sent nor dead-lettered (it failed, or was itself skipped) is skipped, so
 * the rest of the batch is read again with the failed record and not sent twice. Records are marked handled by
 * {@link OffsetCommitProcessor}; the route puts the batch in the exchange property {@link #BATCH} before the split.
 * A record whose partition a rebalance revoked while it waited in the batch ({@link AssignmentBoundCommit#stale})
 * is neither sent nor committed: it is read again, by this consumer or the partition's new owner.
 */
public final class BatchRecordProcessor implements Processor {

    /** Exchange property set before the split: the batch's record exchanges (the batch body). */
    public static final String BATCH = "kafkaflowsBatch";
    private static final String HANDLED = "kafkaflowsHandled";

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        if (message.getBody() instanceof Exchange record) {
            List<?> batch = batchOf(exchange);
            int index = exchange.getProperty(Exchange.SPLIT_INDEX, 0, Integer.class);
            if (batch != null && index > 0 && !isHandled(batch.get(index - 1))) {
                // an earlier record failed: this one is read again with it, not sent now
                exchange.setRouteStop(true);
                return;
            }
            if (AssignmentBoundCommit.isStale(record.getMessage())) {
                record.setProperty(HANDLED, true);
                exchange.setRouteStop(true);
                return;
            }
            message.setHeaders(new CaseInsensitiveMap(record.getMessage().getHeaders()));
            message.setBody(record.getMessage().getBody());
        }
    }

    /** This split exchange's record was sent or dead-lettered; false outside a batch split. */
    static boolean markHandled(Exchange exchange) {
        List<?> batch = batchOf(exchange);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        if (batch == null || index == null) {
            return false;
        }
        ((Exchange) batch.get(index)).setProperty(HANDLED, true);
        return true;
    }

    static boolean isHandled(Object record) {
        return Boolean.TRUE.equals(((Exchange) record).getProperty(HANDLED));
    }

    /** The records of the batch before this split exchange's record (all handled), or null outside a batch split. */
    static List<?> recordsBefore(Exchange exchange) {
        List<?> batch = batchOf(exchange);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        return batch == null || index == null ? null : batch.subList(0, index);
    }

    private static List<?> batchOf(Exchange exchange) {
        return exchange.getProperty(BATCH, List.class);
    }
}
