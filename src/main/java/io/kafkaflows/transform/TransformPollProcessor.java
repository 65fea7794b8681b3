package io.kafkaflows.transform;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.kafkaflows.deadletter.DeadLetterWriteException;
import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.AssignmentBoundCommit;
import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.PollFailedException;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.TransformPollSupport;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;

/**
 * The stream transform's poll mode ({@link TransformPollSupport}): each record's output is sent without waiting; at
 * the end the producer is flushed and, only if every send was acknowledged, the poll's offsets are left for
 * {@code offsetCommitProcessor} ({@link PollRecords#commits}). A record the transform fails on is retried in place,
 * then dead-lettered. A failed send fails the poll ({@link PollFailedException}: nothing committed, read again), and
 * the poll read next sends one record at a time, so a record the output refuses is dead-lettered; Kafka itself
 * failing (retriable errors, access refused) is left to the route's error handler. Tombstones are forwarded;
 * records of partitions revoked meanwhile are left to their new owner.
 */
public final class TransformPollProcessor extends TransformPollSupport {

    private Producer<byte[], byte[]> producer;
    /** a send of the previous poll failed: this one sends record by record, so the refused record is found */
    private volatile boolean oneByOne;

    /** One poll's state: the first failed send, the commit of each partition's last record done. */
    private final class Poll {
        final Exchange exchange;
        final RecordAttempts attempts;
        final boolean traced;
        final boolean synchronous = oneByOne;
        final AtomicReference<Exception> failed = new AtomicReference<>();
        final Map<TopicPartition, DefaultKafkaManualCommit> done = new HashMap<>();

        Poll(Exchange exchange, RecordAttempts attempts, boolean traced) {
            this.exchange = exchange;
            this.attempts = attempts;
            this.traced = traced;
        }
    }

    @Override
    protected void processPoll(Exchange exchange, List<?> records, RecordAttempts attempts, boolean traced) throws Exception {
        Poll poll = new Poll(exchange, attempts, traced);
        for (Object item : records) {
            Exchange record = (Exchange) item;
            Object commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT);
            if (commit instanceof AssignmentBoundCommit bound && bound.stale()) {
                PollRecords.markSkipped(record);
                continue;
            }
            if (!PollRecords.isDeadLettered(record)) {
                try {
                    handle(poll, record);
                } catch (PollFailedException | RetriableException | AuthorizationException | AuthenticationException e) {
                    throw e;
                } catch (Exception e) {
                    // anything else mid-poll: outputs may already be out, so nothing of the poll may be dead-lettered
                    // by the route's error handler; it fails uncommitted and is read again
                    throw new PollFailedException("a record of the poll failed unexpectedly; the poll is read again: " + e, e);
                }
            }
            if (commit instanceof DefaultKafkaManualCommit c) {
                poll.done.merge(c.getPartition(), c, (a, b) -> a.getRecordOffset() >= b.getRecordOffset() ? a : b);
            }
        }
        producer.flush();
        Exception failure = poll.failed.get();
        if (failure != null) {
            oneByOne = true;
            throw new PollFailedException("a send of this poll failed, nothing committed; the poll is read again one record at a time: "
                    + failure, failure);
        }
        oneByOne = false;
        PollRecords.commits(exchange, poll.done.values());
    }

    /** One record transformed and sent, retried in place as the flow's settings allow, else dead-lettered. */
    private void handle(Poll poll, Exchange record) throws Exception {
        Message message = record.getMessage();
        Object value = message.getBody();
        Span span = startRecordSpan(record, poll.traced);
        try (Scope scope = span == null ? null : span.makeCurrent()) {
            RecordAttempts.Failed failed = poll.attempts.attempt(() -> send(poll, record, value), TransformPollProcessor::kafkaFailed);
            if (failed != null) {
                message.setBody(value);
                try {
                    deadLetters().deadLetter(poll.exchange, message, failed.failure(), failed.attempts());
                } catch (DeadLetterWriteException notWritten) {
                    commitDone(poll);
                    throw new PollFailedException("a dead letter of the poll was not written: the poll is read again", notWritten);
                }
                PollRecords.markDeadLettered(record);
            }
        } finally {
            if (span != null) {
                span.end();
            }
        }
    }

    private void send(Poll poll, Exchange record, Object value) throws Exception {
        List<Header> headers = endpoint().headers(transformed(record, value));
        // traced: a send span below the record's, whose context the output carries
        Span span = poll.traced ? RecordTracing.startSend(getCamelContext(), "send", endpoint().getTopic(), headers, false) : null;
        ProducerRecord<byte[], byte[]> out = endpoint().record(record, headers);
        if (poll.synchronous) {
            sendAndWait(out, span);
            return;
        }
        producer.send(out, (metadata, e) -> {
            if (span != null) {
                RecordTracing.end(span, e);
            }
            if (e != null) {
                poll.failed.compareAndSet(null, e);
            }
        });
    }

    /**
     * Before a poll fails on a dead letter it could not write: once the outputs so far are acknowledged, the records
     * before the failed one commit, so the poll read again starts at it and their outputs are not written again.
     */
    private void commitDone(Poll poll) {
        producer.flush();
        if (poll.failed.get() == null) {
            poll.done.values().forEach(DefaultKafkaManualCommit::commit);
        }
    }

    /** One send, acknowledged before the next; Kafka itself failing fails the poll (the route's error handler). */
    private void sendAndWait(ProducerRecord<byte[], byte[]> record, Span span) throws Exception {
        Throwable failure = null;
        try {
            producer.send(record).get();
        } catch (ExecutionException e) {
            failure = e.getCause();
            throw failure instanceof Exception ex ? ex : e;
        } finally {
            if (span != null) {
                RecordTracing.end(span, failure);
            }
        }
    }

    /** Kafka itself failing (not the record's fault): never retried in place nor dead-lettered. */
    private static boolean kafkaFailed(Throwable e) {
        return e instanceof RetriableException || e instanceof AuthorizationException || e instanceof AuthenticationException;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        producer = KafkaRecords.bytesProducer(getCamelContext(),
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "kafka-flows-transform-polls"));
    }

    @Override
    protected void doStop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
