package io.kafkaflows.window;

import java.util.List;

import io.kafkaflows.deadletter.DeadLetterProcessor;
import io.kafkaflows.deadletter.ErrorClassifier;
import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.deadletter.RetryBudgetRoutePolicy;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.aggregation.KafkaAggregationRepository;
import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import io.kafkaflows.kafka.tx.ConsumerBoundCommit;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import io.kafkaflows.kafka.tx.KafkaTxEndpoint;
import io.kafkaflows.kafka.tx.TransactionAbortedException;
import io.kafkaflows.kafka.tx.TransactionCommitRoutePolicy;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;

/**
 * The windowed-aggregation flow's poll mode: a camel-kafka poll ({@code batching=true}) in one exchange, each record
 * planned by {@link WindowAssignProcessor} and its window steps applied by {@link WindowAggregationStrategy} straight
 * against the changelog-backed {@link KafkaAggregationRepository} (what the per-record route's aggregate EIP does,
 * without Camel routing per record and step). Closed windows ({@link WindowResultProcessor}), late records and dead
 * letters are written into the consumer's open transaction, which commits state, results and offsets together.
 * A bad record is dead-lettered (after in-place retries for a retryable failure); any other failure mid-record
 * aborts the transaction (the poll is read again from the committed offsets). Records of partitions revoked while
 * they waited in the batch are dropped: their next reader reads them.
 */
public final class WindowPollProcessor extends ServiceSupport implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private WindowAssignProcessor assign;
    private KafkaAggregationRepository repository;
    private final WindowAggregationStrategy strategy = new WindowAggregationStrategy();
    private final WindowResultProcessor results = new WindowResultProcessor();
    private String output;
    private String late;
    private RetryBudgetRoutePolicy retries = new RetryBudgetRoutePolicy();
    private long maxPollIntervalMs = 300_000;
    private KafkaSinkEndpoint outputEndpoint;
    private KafkaSinkEndpoint lateEndpoint;
    /** shared beans declared after this flow's file (error-handling, kafka-commits): looked up on the first poll */
    private ErrorClassifier classifier;
    private DeadLetterProcessor deadLetters;
    private KafkaTransactions transactions;

    @Override
    public void process(Exchange poll) throws Exception {
        List<?> records = poll.getIn().getMandatoryBody(List.class);
        if (transactions == null) {
            classifier = CamelContextHelper.mandatoryLookup(camelContext, "errorClassifier", ErrorClassifier.class);
            deadLetters = CamelContextHelper.mandatoryLookup(camelContext, "deadLetterProcessor", DeadLetterProcessor.class);
            transactions = CamelContextHelper.mandatoryLookup(camelContext, KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        }
        PollRecords.start(poll, records);
        RecordAttempts attempts = new RecordAttempts(classifier, retries, maxPollIntervalMs);
        boolean traced = RecordTracing.enabled(camelContext);
        assign.newPoll();
        for (Object item : records) {
            Exchange record = (Exchange) item;
            if (ConsumerBoundCommit.of(record, KafkaTxEndpoint.SCHEME).stale()) {
                PollRecords.markSkipped(record);
                continue;
            }
            Span span = traced ? RecordTracing.startProcess(camelContext,
                    record.getMessage().getHeader(KafkaConstants.TOPIC, String.class), lateEndpoint.headers(record)) : null;
            try (Scope scope = span == null ? null : span.makeCurrent()) {
                handle(attempts, record, traced);
            } catch (TransactionAbortedException | KafkaException e) {
                // the transaction's own failure, or Kafka refusing or failing: to the route's error handler as it is
                throw e;
            } catch (Exception e) {
                // mid-record, with state and results of this poll already in the transaction: abort it
                throw transactions.abort(record, e);
            } finally {
                if (span != null) {
                    span.end();
                }
            }
        }
    }

    /** One record: planned (a bad one dead-lettered into the transaction), set aside if late, its steps applied. */
    private void handle(RecordAttempts attempts, Exchange record, boolean traced) throws Exception {
        TransactionCommitRoutePolicy.markTransactional(record);
        RecordAttempts.Failed failed = attempts.attempt(() -> assign.process(record),
                e -> e instanceof KafkaException || e instanceof TransactionAbortedException);
        if (failed != null) {
            deadLetters.deadLetter(record, record.getMessage(), failed.failure(), failed.attempts());
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
        transactions.recordDone(record);
    }

    /** One step on one window group, as the aggregate EIP would: merged and stored, or removed and (closed) emitted. */
    private void apply(WindowOp op, boolean traced) throws Exception {
        Exchange step = new DefaultExchange(camelContext);
        step.getMessage().setBody(op);
        Exchange group = strategy.aggregate(repository.get(camelContext, op.group()), step);
        Object completion = group.getMessage().getHeader(WindowAggregationStrategy.COMPLETION);
        if (completion == null) {
            repository.add(camelContext, op.group(), group);
            return;
        }
        repository.remove(camelContext, op.group(), group);
        if ("closed".equals(completion)) {
            WindowAggregate window = group.getMessage().getBody(WindowAggregate.class);
            results.process(group);
            Span sent = send(outputEndpoint, group, traced);
            if (sent != null && window.getTraces() != null && !window.getTraces().isEmpty()) {
                try (Scope scope = sent.makeCurrent()) {
                    WindowResultLinksProcessor.link(camelContext, window, null);
                }
            }
        }
    }

    /** Writes the exchange as the endpoint's record into the open transaction; traced: under a send span (returned). */
    private Span send(KafkaSinkEndpoint endpoint, Exchange exchange, boolean traced) {
        List<Header> headers = endpoint.headers(exchange);
        Span span = traced ? RecordTracing.startSend(camelContext, "send", endpoint.getTopic(), headers, false) : null;
        transactions.sendInCurrentTransaction(endpoint.record(exchange, headers));
        if (span != null) {
            span.end();
        }
        return span;
    }

    @Override
    protected void doStart() {
        outputEndpoint = camelContext.getEndpoint(output, KafkaSinkEndpoint.class);
        lateEndpoint = camelContext.getEndpoint(late, KafkaSinkEndpoint.class);
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

    /** The results' sink endpoint ({@code kafka-tx:<output topic>}). */
    public void setOutput(String output) {
        this.output = output;
    }

    /** The late records' sink endpoint ({@code kafka-tx:<late topic>}). */
    public void setLate(String late) {
        this.late = late;
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
