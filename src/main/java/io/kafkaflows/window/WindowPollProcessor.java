package io.kafkaflows.window;

import java.util.List;

import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.aggregation.KafkaAggregationRepository;
import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import io.kafkaflows.kafka.tx.TransactionAbortedException;
import io.kafkaflows.kafka.tx.TransactionalPollSupport;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;

/**
 * The windowed-aggregation flow's poll mode ({@link TransactionalPollSupport}): each record is planned by
 * {@link WindowAssignProcessor} and its window steps applied by {@link WindowAggregationStrategy} straight against
 * the changelog-backed {@link KafkaAggregationRepository} (what the per-record route's aggregate EIP does, without
 * Camel routing per record and step). Closed windows ({@link WindowResultProcessor}, to {@code output}), late records
 * (to {@code late}) and dead letters are written into the consumer's open transaction, which commits state, results
 * and offsets together. A bad record is dead-lettered (after in-place retries for a retryable failure).
 */
public final class WindowPollProcessor extends TransactionalPollSupport {

    private WindowAssignProcessor assign;
    private KafkaAggregationRepository repository;
    private final WindowAggregationStrategy strategy = new WindowAggregationStrategy();
    private final WindowResultProcessor results = new WindowResultProcessor();
    private String late;
    private KafkaSinkEndpoint lateEndpoint;

    @Override
    protected void pollStarted() {
        assign.newPoll();
    }

    /** One record: planned (a bad one dead-lettered into the transaction), set aside if late, its steps applied. */
    @Override
    protected void handle(RecordAttempts attempts, Exchange record, boolean traced) throws Exception {
        RecordAttempts.Failed failed = attempts.attempt(() -> assign.process(record),
                e -> e instanceof KafkaException || e instanceof TransactionAbortedException);
        if (failed != null) {
            deadLetters().deadLetter(record, record.getMessage(), failed.failure(), failed.attempts());
            PollRecords.markDeadLettered(record);
            return;
        }
        if (record.getMessage().getHeader(WindowAssignProcessor.LATE) != null) {
            send(lateEndpoint, record, traced);
        }
        @SuppressWarnings("unchecked")
        List<WindowOp> ops = record.getProperty(WindowAssignProcessor.OPS, List.class);
        for (WindowOp op : ops) {
            apply(op, traced);
        }
        transactions().recordDone(record);
    }

    /** One step on one window group, as the aggregate EIP would: merged and stored, or removed and (closed) emitted. */
    private void apply(WindowOp op, boolean traced) throws Exception {
        Exchange step = new DefaultExchange(getCamelContext());
        step.getMessage().setBody(op);
        Exchange group = strategy.aggregate(repository.get(getCamelContext(), op.group()), step);
        Object completion = group.getMessage().getHeader(WindowAggregationStrategy.COMPLETION);
        if (completion == null) {
            repository.add(getCamelContext(), op.group(), group);
            return;
        }
        repository.remove(getCamelContext(), op.group(), group);
        if ("closed".equals(completion)) {
            WindowAggregate window = group.getMessage().getBody(WindowAggregate.class);
            results.process(group);
            Span sent = send(endpoint(), group, traced);
            if (sent != null && window.getTraces() != null && !window.getTraces().isEmpty()) {
                try (Scope scope = sent.makeCurrent()) {
                    WindowResultLinksProcessor.link(getCamelContext(), window, null);
                }
            }
        }
    }

    /** Writes the exchange as the endpoint's record into the open transaction; traced: under a send span (returned). */
    private Span send(KafkaSinkEndpoint endpoint, Exchange exchange, boolean traced) {
        List<Header> headers = endpoint.headers(exchange);
        Span span = traced ? RecordTracing.startSend(getCamelContext(), "send", endpoint.getTopic(), headers, false) : null;
        transactions().sendInCurrentTransaction(endpoint.record(exchange, headers));
        if (span != null) {
            span.end();
        }
        return span;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        lateEndpoint = getCamelContext().getEndpoint(late, KafkaSinkEndpoint.class);
        // the aggregate EIP starts its repository; here this processor is its only user
        ServiceHelper.startService(repository);
    }

    @Override
    protected void doStop() {
        ServiceHelper.stopService(repository);
    }

    public void setAssign(WindowAssignProcessor assign) {
        this.assign = assign;
    }

    public void setRepository(KafkaAggregationRepository repository) {
        this.repository = repository;
    }

    /** The late records' sink endpoint ({@code kafka-tx:<late topic>}). */
    public void setLate(String late) {
        this.late = late;
    }
}
