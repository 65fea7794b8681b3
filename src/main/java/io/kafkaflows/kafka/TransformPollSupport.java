package io.kafkaflows.kafka;

import java.util.List;

import io.kafkaflows.deadletter.DeadLetterProcessor;
import io.kafkaflows.deadletter.RecordAttempts;
import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What the consume-process-produce poll modes share (stream transform, exactly-once, windows): a camel-kafka poll
 * ({@code batching=true}) in one exchange, each record's exchange through the flow's transform processor directly
 * (no routing per record), its output built by the flow's sink endpoint ({@code kafka-poll-batch:},
 * {@code kafka-tx:}: key, partition key and filtered headers as a {@code kafka:} producer would), retries per poll
 * ({@link RecordAttempts}) and the shared dead-letter beans. Subclasses decide how outputs are written and committed
 * (the windows' poll mode sets no transform: it aggregates instead).
 */
public abstract class TransformPollSupport extends ServiceSupport implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private Processor transform;
    private String output;
    private long maxPollIntervalMs = 300_000;
    private KafkaSinkEndpoint endpoint;
    /** the shared beans of routes/error-handling.camel.yaml, looked up on the first poll (declared after the flows') */
    private DeadLetterProcessor deadLetters;

    @Override
    public final void process(Exchange exchange) throws Exception {
        List<?> records = exchange.getIn().getMandatoryBody(List.class);
        if (deadLetters == null) {
            deadLetters = CamelContextHelper.mandatoryLookup(camelContext, "deadLetterProcessor", DeadLetterProcessor.class);
        }
        PollRecords.start(exchange, records);
        processPoll(exchange, records, RecordAttempts.forPoll(camelContext, maxPollIntervalMs), RecordTracing.enabled(camelContext));
    }

    /** The poll: {@code records} are camel-kafka's record exchanges; {@code traced} whether the app traces. */
    protected abstract void processPoll(Exchange poll, List<?> records, RecordAttempts attempts, boolean traced) throws Exception;

    /** The record's own span (in the trace its headers carry), under which its output is sent; null untraced. */
    protected Span startRecordSpan(Exchange record, boolean traced) {
        return traced ? RecordTracing.startProcess(camelContext,
                record.getMessage().getHeader(KafkaConstants.TOPIC, String.class), endpoint.headers(record)) : null;
    }

    /** The record's exchange after the transform (a tombstone as it is), its value restored first on a retry. */
    protected Exchange transformed(Exchange record, Object value) throws Exception {
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

    protected KafkaSinkEndpoint endpoint() {
        return endpoint;
    }

    protected DeadLetterProcessor deadLetters() {
        return deadLetters;
    }

    @Override
    protected void doStart() throws Exception {
        endpoint = camelContext.getEndpoint(output, KafkaSinkEndpoint.class);
    }

    public void setTransform(Processor transform) {
        this.transform = transform;
    }

    /** The sink endpoint whose records the outputs become (e.g. {@code kafka-tx:<topic>}). */
    public void setOutput(String output) {
        this.output = output;
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
