package io.kafkaflows.consumer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kafkaflows.deadletter.DeadLetterProcessor;
import io.kafkaflows.deadletter.DeadLetterWriteException;
import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.AssignmentBoundCommit;
import io.kafkaflows.kafka.PollFailedException;
import io.kafkaflows.kafka.PollRecords;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer flow's batch-sink mode: a whole camel-kafka poll ({@code batching=true}) in one exchange. Each record
 * goes through the same per-record work as {@link ConsumerEventProcessor}; the body becomes one JSON array of the
 * resulting events (text, so any sink takes it: HTTP, file, Kafka, a bean), for one send to the sink ({@code []}
 * when none is left: the route then skips the sink). A record that fails is retried in place with the
 * {@code flows.errors.*} backoff (non-retryable failures not at all) and then dead-lettered, and the others go on; the time a poll spends
 * in such retries is bounded by half of max.poll.interval.ms (less the sink's own retries), beyond which a failing
 * record is dead-lettered at once. Tombstones and records of partitions revoked meanwhile are left out.
 */
public final class ConsumerPollProcessor implements Processor {

    private ConsumerEventProcessor events = new ConsumerEventProcessor();
    /** the shared beans of routes/error-handling.camel.yaml, looked up on the first poll (declared after this file) */
    private DeadLetterProcessor deadLetters;
    private long maxPollIntervalMs = 300_000;

    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> records = exchange.getIn().getMandatoryBody(List.class);
        if (deadLetters == null) {
            deadLetters = CamelContextHelper.mandatoryLookup(exchange.getContext(), "deadLetterProcessor", DeadLetterProcessor.class);
        }
        PollRecords.start(exchange, records);
        RecordAttempts attempts = RecordAttempts.forPoll(exchange.getContext(), maxPollIntervalMs);
        StringBuilder out = new StringBuilder(records.size() * 64).append('[');
        // the commit of each partition's last record, for OffsetCommitProcessor (one header lookup per record)
        Map<TopicPartition, DefaultKafkaManualCommit> commits = new HashMap<>();
        for (Object item : records) {
            Exchange record = (Exchange) item;
            Message message = record.getMessage();
            Object commit = message.getHeader(KafkaConstants.MANUAL_COMMIT);
            if (commit instanceof AssignmentBoundCommit bound && bound.stale()) {
                // its partition was revoked while the record waited in the batch: read again by the new owner
                PollRecords.markSkipped(record);
                continue;
            }
            if (commit instanceof DefaultKafkaManualCommit c) {
                commits.merge(c.getPartition(), c, (a, b) -> a.getRecordOffset() >= b.getRecordOffset() ? a : b);
            }
            if (PollRecords.isDeadLettered(record)) {
                continue;
            }
            if (message.getBody() == null) {
                PollRecords.markSkipped(record);
                continue;
            }
            byte[] value = message.getBody(byte[].class);
            RecordAttempts.Failed failed = attempts.attempt(() -> {
                String event = events.handle(value);
                out.append(out.length() == 1 ? "" : ",").append(event);
            }, e -> false);
            if (failed != null) {
                try {
                    deadLetters.deadLetter(exchange, message, failed.failure(), failed.attempts());
                } catch (DeadLetterWriteException notWritten) {
                    throw new PollFailedException("a dead letter of the poll was not written: the poll is read again", notWritten);
                }
                PollRecords.markDeadLettered(record);
            }
        }
        PollRecords.commits(exchange, commits.values());
        exchange.getMessage().setBody(out.append(']').toString());
    }

    public void setEvents(ConsumerEventProcessor events) {
        this.events = events;
    }

    /** The consumer's max.poll.interval.ms: a poll's in-place retries stop at half of it (RecordAttempts). */
    public void setMaxPollIntervalMs(long maxPollIntervalMs) {
        this.maxPollIntervalMs = maxPollIntervalMs;
    }
}
