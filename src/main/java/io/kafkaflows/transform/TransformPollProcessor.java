package io.kafkaflows.transform;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.kafkaflows.deadletter.DeadLetterProcessor;
import io.kafkaflows.deadletter.DeadLetterWriteException;
import io.kafkaflows.deadletter.ErrorClassifier;
import io.kafkaflows.deadletter.RetryBudgetRoutePolicy;
import io.kafkaflows.kafka.AssignmentBoundCommit;
import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.PollFailedException;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream transform's poll mode: a whole camel-kafka poll ({@code batching=true}) in one exchange. Each record
 * exchange goes through the transform processor directly (no routing per record) and its output is sent without
 * waiting; at the end the producer is flushed and, only if every send was acknowledged, the poll's offsets are left
 * for {@code offsetCommitProcessor} ({@link PollRecords#commits}). A record the transform fails on is retried in place
 * with the {@code flows.errors.*} backoff (non-retryable failures not at all, and within half of max.poll.interval.ms
 * per poll), then dead-lettered. A failed send fails the poll ({@link PollFailedException}: nothing committed, read
 * again), and the poll read next sends one record at a time, so a record the output refuses is dead-lettered;
 * Kafka itself failing (retriable errors, access refused) is left to the route's error handler. Tombstones are
 * forwarded; records of partitions revoked meanwhile are left to their new owner.
 */
public final class TransformPollProcessor extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(TransformPollProcessor.class);

    private CamelContext camelContext;
    private Processor transform;
    private String output;
    private RetryBudgetRoutePolicy retries = new RetryBudgetRoutePolicy();
    private long maxPollIntervalMs = 300_000;
    private KafkaSinkEndpoint endpoint;
    private Producer<byte[], byte[]> producer;
    /** the shared beans of routes/error-handling.camel.yaml, looked up on the first poll (declared after this file) */
    private ErrorClassifier classifier;
    private DeadLetterProcessor deadLetters;
    /** a send of the previous poll failed: this one sends record by record, so the refused record is found */
    private volatile boolean oneByOne;
    /** what the current poll may still spend retrying its records: half of max.poll.interval.ms, less the sink's */
    private long budget;
    private boolean traced;

    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> records = exchange.getIn().getMandatoryBody(List.class);
        if (deadLetters == null) {
            classifier = CamelContextHelper.mandatoryLookup(camelContext, "errorClassifier", ErrorClassifier.class);
            deadLetters = CamelContextHelper.mandatoryLookup(camelContext, "deadLetterProcessor", DeadLetterProcessor.class);
        }
        PollRecords.start(exchange, records);
        boolean synchronous = oneByOne;
        traced = RecordTracing.enabled(camelContext);
        budget = Math.max(0, maxPollIntervalMs / 2 - retries.retryBudgetMs());
        AtomicReference<Exception> failed = new AtomicReference<>();
        Map<TopicPartition, DefaultKafkaManualCommit> commits = new HashMap<>();
        for (Object item : records) {
            Exchange record = (Exchange) item;
            Message message = record.getMessage();
            Object commit = message.getHeader(KafkaConstants.MANUAL_COMMIT);
            if (commit instanceof AssignmentBoundCommit bound && bound.stale()) {
                PollRecords.markSkipped(record);
                continue;
            }
            if (!PollRecords.isDeadLettered(record)) {
                send(exchange, record, synchronous, failed, commits);
            }
            if (commit instanceof DefaultKafkaManualCommit c) {
                commits.merge(c.getPartition(), c, (a, b) -> a.getRecordOffset() >= b.getRecordOffset() ? a : b);
            }
        }
        producer.flush();
        Exception failure = failed.get();
        if (failure != null) {
            oneByOne = true;
            throw new PollFailedException("a send of this poll failed, nothing committed; the poll is read again one record at a time: "
                    + failure, failure);
        }
        oneByOne = false;
        PollRecords.commits(exchange, commits.values());
    }

    /** One record transformed and sent (or dead-lettered), retried in place as the flow's settings allow. */
    private void send(Exchange exchange, Exchange record, boolean synchronous, AtomicReference<Exception> failed,
            Map<TopicPartition, DefaultKafkaManualCommit> done) throws Exception {
        Message message = record.getMessage();
        Object value = message.getBody();
        if (!traced) {
            send(exchange, record, message, value, synchronous, failed, done);
            return;
        }
        // traced: the record's own span (in the trace its headers carry), its output's send span below it
        Span span = RecordTracing.startProcess(camelContext, message.getHeader(KafkaConstants.TOPIC, String.class),
                endpoint.headers(record));
        try (Scope scope = span.makeCurrent()) {
            send(exchange, record, message, value, synchronous, failed, done);
        } finally {
            span.end();
        }
    }

    private void send(Exchange exchange, Exchange record, Message message, Object value, boolean synchronous,
            AtomicReference<Exception> failed, Map<TopicPartition, DefaultKafkaManualCommit> done) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                List<Header> headers = endpoint.headers(transformed(record, value));
                // traced: a send span below the record's, whose context the output carries
                Span span = traced ? RecordTracing.startSend(camelContext, "send", endpoint.getTopic(), headers, false) : null;
                ProducerRecord<byte[], byte[]> out = endpoint.record(record, headers);
                if (synchronous) {
                    sendAndWait(out, span);
                } else {
                    producer.send(out, (metadata, e) -> {
                        if (span != null) {
                            RecordTracing.end(span, e);
                        }
                        if (e != null) {
                            failed.compareAndSet(null, e);
                        }
                    });
                }
                break;
            } catch (Exception e) {
                if (kafkaFailed(e)) {
                    throw e;
                }
                long delay = retries.delayBefore(attempt);
                if (classifier.isNonRetryable(e) || attempt > retries.getMaxRedeliveries() || delay > budget) {
                    message.setBody(value);
                    try {
                        deadLetters.deadLetter(exchange, message, e, attempt);
                    } catch (DeadLetterWriteException notWritten) {
                        commitDone(done, failed);
                        throw new PollFailedException("a dead letter of the poll was not written: the poll is read again", notWritten);
                    }
                    PollRecords.markDeadLettered(record);
                    return;
                }
                LOG.debug("A record of the poll failed (attempt {}), retrying in {} ms: {}", attempt, delay, e.toString());
                budget -= delay;
                Thread.sleep(delay);
            }
        }
    }

    /**
     * Before a poll fails on a dead letter it could not write: once the outputs so far are acknowledged, the records
     * before the failed one commit, so the poll read again starts at it and their outputs are not written again.
     */
    private void commitDone(Map<TopicPartition, DefaultKafkaManualCommit> done, AtomicReference<Exception> failed) {
        producer.flush();
        if (failed.get() == null) {
            done.values().forEach(DefaultKafkaManualCommit::commit);
        }
    }

    /** The record's exchange after the transform (a tombstone as it is), its value restored first on a retry. */
    private Exchange transformed(Exchange record, Object value) throws Exception {
        record.getMessage().setBody(value);
        if (value != null) {
            transform.process(record);
            if (record.getException() != null) {
                Exception e = record.getException();
                record.setException(null);
                throw e;
            }
        }
        return record;
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
    protected void doStart() {
        endpoint = camelContext.getEndpoint(output, KafkaSinkEndpoint.class);
        producer = KafkaRecords.bytesProducer(camelContext,
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "kafka-flows-transform-polls"));
    }

    @Override
    protected void doStop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    public void setTransform(Processor transform) {
        this.transform = transform;
    }

    /** The output endpoint whose records the outputs become ({@code kafka-poll-batch:<topic>}: key, headers kept). */
    public void setOutput(String output) {
        this.output = output;
    }

    public void setRetries(RetryBudgetRoutePolicy retries) {
        this.retries = retries;
    }

    public void setMaxPollIntervalMs(long maxPollIntervalMs) {
        this.maxPollIntervalMs = maxPollIntervalMs;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
