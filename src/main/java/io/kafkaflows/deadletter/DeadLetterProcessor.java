package io.kafkaflows.deadletter;

import io.kafkaflows.HealthChecks;
import io.kafkaflows.Meters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.OffsetCommitProcessor;
import io.kafkaflows.kafka.PollRecords;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import io.kafkaflows.kafka.tx.TransactionCommitRoutePolicy;
import io.kafkaflows.queue.KafkaQueueHeaders;
import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the failed record to the dead-letter topic and waits for the broker's acknowledgement (acks=all), so the
 * caller may commit the source offset only afterwards. The dead-letter record keeps the original key, value bytes
 * and headers, and adds {@link DeadLetterHeaders context headers}. Topic: {@code flows.<flow>.dlq-topic} if set,
 * else {@code flows.dlq.topic}; the flow is the route's group. If the record would be too large, it is written
 * once more without its value (header {@link DeadLetterHeaders#VALUE_OMITTED}); it never loops. If the write fails,
 * reports DOWN on {@link DeadLetterHealthCheck}, pauses {@code flows.dlq.failure-backoff-ms} (the consumer is not
 * spinning) and throws {@link DeadLetterWriteException}: the record is not committed and is read again (in a batch,
 * the records before it commit: {@link OffsetCommitProcessor#commitBatchBefore}). On a
 * transactional route ({@link TransactionCommitRoutePolicy}) the dead letter is written into the consumer's Kafka
 * transaction instead and commits (or aborts) with the source offset.
 */
public final class DeadLetterProcessor extends ServiceSupport implements Processor, CamelContextAware {

    /** Exchange property counting redeliveries (see {@link RedeliveryCountProcessor}). */
    public static final String REDELIVERIES = "kafkaflowsRedeliveries";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);
    /** Room for the context headers and record framing on top of the value. */
    private static final int HEADROOM = 16 * 1024;

    private CamelContext camelContext;
    private String topic = "dead-letter";
    private long sendTimeoutMs = 30_000;
    private int stackTraceLimit = 4000;
    private long failureBackoffMs = 5000;
    private DeadLetterHealthCheck health;
    private volatile Producer<byte[], byte[]> producer;
    private volatile KafkaTransactions transactions;

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public void setSendTimeoutMs(long sendTimeoutMs) {
        this.sendTimeoutMs = sendTimeoutMs;
    }

    /** How long the consumer waits after a failed dead-letter write before the record is read again. */
    public void setFailureBackoffMs(long failureBackoffMs) {
        this.failureBackoffMs = failureBackoffMs;
    }

    public void setStackTraceLimit(int stackTraceLimit) {
        this.stackTraceLimit = stackTraceLimit;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = 1 + exchange.getProperty(REDELIVERIES, 0, Integer.class);
        List<?> poll = PollRecords.of(exchange);
        if (poll != null) {
            // a poll handed to the sink as one JSON array (the sink failed): each of its records not yet dead-lettered
            for (Exchange record : PollRecords.pending(poll)) {
                deadLetter(exchange, record.getMessage(), failure, attempts);
                PollRecords.markDeadLettered(record);
            }
            return;
        }
        deadLetter(exchange, recordOf(exchange), failure, attempts);
    }

    /**
     * Writes {@code record} (as consumed) to the flow's dead-letter topic with the failure's context, for the route
     * exchange {@code exchange} (its route, flow and transaction); waits for the acknowledgement.
     */
    public void deadLetter(Exchange exchange, Message record, Throwable failure, int attempts) throws Exception {
        String routeId = exchange.getFromRouteId();
        String flow = KafkaRecords.flowOf(exchange);
        String target = camelContext.getPropertiesComponent().resolveProperty("flows." + flow + ".dlq-topic").orElse(topic);
        List<Header> headers = headers(record, failure, attempts, routeId, flow);
        Span span = RecordTracing.startSend(camelContext, "dead-letter", target, headers, false);
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(target, null,
                record.getHeader(KafkaConstants.KEY, byte[].class), record.getBody(byte[].class), headers);
        try {
            if (TransactionCommitRoutePolicy.isTransactional(exchange)) {
                // inside the transaction: the write commits (or aborts) together with the source offset
                transactions().sendAndDone(exchange, fitsOrWithoutValue(dead));
            } else {
                try {
                    writeAndWait(dead, target);
                } catch (DeadLetterWriteException e) {
                    // in a batch: what it sent before this record is not read (and sent) again with it
                    OffsetCommitProcessor.commitBatchBefore(exchange);
                    throw e;
                }
            }
        } catch (Exception e) {
            RecordTracing.end(span, e);
            throw e;
        }
        RecordTracing.end(span, null);
        health().writeSucceeded();
        String reason = failure == null ? "unknown" : failure.getClass().getName();
        Meters.registry(camelContext).counter("kafkaflows.dlq.records", "flow", flow, "exception", reason).increment();
        LOG.warn("Dead-lettered {}-{}@{} (route {}, {} attempt(s)) to {}: {}", header(record, KafkaConstants.TOPIC),
                header(record, KafkaConstants.PARTITION), header(record, KafkaConstants.OFFSET), routeId, attempts,
                target, failure == null ? "" : failure.toString());
    }

    private void writeAndWait(ProducerRecord<byte[], byte[]> dead, String target) {
        try {
            send(dead);
        } catch (RecordTooLargeException tooLarge) {
            List<Header> headers = new ArrayList<>();
            dead.headers().forEach(headers::add);
            int size = dead.value() == null ? 0 : dead.value().length;
            headers.add(header(DeadLetterHeaders.VALUE_OMITTED, "record too large for the dead-letter topic ("
                    + size + " value bytes); read it from the source offset"));
            sendOrFail(new ProducerRecord<>(target, null, dead.key(), null, headers), target);
        } catch (Exception e) {
            failWrite(target, e);
        }
    }

    /** A send that fails inside a transaction fails the transaction, so a too-large value is left out up front. */
    private ProducerRecord<byte[], byte[]> fitsOrWithoutValue(ProducerRecord<byte[], byte[]> dead) {
        int limit = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration().getMaxRequestSize();
        int size = dead.value() == null ? 0 : dead.value().length;
        if (size + HEADROOM < limit) {
            return dead;
        }
        List<Header> headers = new ArrayList<>();
        dead.headers().forEach(headers::add);
        headers.add(header(DeadLetterHeaders.VALUE_OMITTED, "record too large for the dead-letter topic ("
                + size + " value bytes); read it from the source offset"));
        return new ProducerRecord<>(dead.topic(), null, dead.key(), null, headers);
    }

    /**
     * The record as consumed: the message itself, or inside a batch split the record exchange it carries. A whole
     * batch is never dead-lettered (it would stand for records without their keys and values): the failure stays.
     */
    private static Message recordOf(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body instanceof List<?>) {
            throw new IllegalStateException("a batch is never dead-lettered, only its records: the batch is read again");
        }
        return body instanceof Exchange record ? record.getMessage() : exchange.getIn();
    }

    private List<Header> headers(Message record, Throwable failure, int attempts, String routeId, String flow) {
        List<Header> headers = KafkaRecords.headersOf(record, DeadLetterHeaders::isContextHeader);
        headers.add(header(DeadLetterHeaders.SOURCE_TOPIC, header(record, KafkaConstants.TOPIC)));
        headers.add(header(DeadLetterHeaders.SOURCE_PARTITION, header(record, KafkaConstants.PARTITION)));
        headers.add(header(DeadLetterHeaders.SOURCE_OFFSET, header(record, KafkaConstants.OFFSET)));
        headers.add(header(DeadLetterHeaders.SOURCE_TIMESTAMP, header(record, KafkaConstants.TIMESTAMP)));
        headers.add(header(DeadLetterHeaders.EXCEPTION_CLASS, failure == null ? "" : failure.getClass().getName()));
        headers.add(header(DeadLetterHeaders.EXCEPTION_MESSAGE, failure == null ? "" : String.valueOf(failure.getMessage())));
        headers.add(header(DeadLetterHeaders.EXCEPTION_STACKTRACE, stackTrace(failure)));
        headers.add(header(DeadLetterHeaders.ATTEMPTS, String.valueOf(attempts)));
        headers.add(header(DeadLetterHeaders.ROUTE, routeId));
        headers.add(header(DeadLetterHeaders.FLOW, flow));
        headers.add(header(DeadLetterHeaders.FAILED_AT, Instant.now().toString()));
        if (record.getHeader(KafkaQueueHeaders.DELIVERY_COUNT) != null) {
            headers.add(header(DeadLetterHeaders.DELIVERY_COUNT, header(record, KafkaQueueHeaders.DELIVERY_COUNT)));
        }
        return headers;
    }

    private String stackTrace(Throwable failure) {
        if (failure == null) {
            return "";
        }
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        String trace = text.toString();
        return trace.length() <= stackTraceLimit ? trace : trace.substring(0, stackTraceLimit) + "\n\t... (truncated)";
    }

    private static String header(Message m, String name) {
        Object v = m.getHeader(name);
        return v == null ? "" : v.toString();
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private void send(ProducerRecord<byte[], byte[]> record) throws Exception {
        try {
            producer().send(record).get(sendTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private void sendOrFail(ProducerRecord<byte[], byte[]> record, String target) {
        try {
            send(record);
        } catch (Exception e) {
            failWrite(target, e);
        }
    }

    private void failWrite(String target, Exception e) {
        health().writeFailed(target, e);
        LOG.error("Dead-letter topic {} is not writable ({}); not committing, pausing {} ms, then reading the record again",
                target, e.toString(), failureBackoffMs);
        try {
            Thread.sleep(failureBackoffMs);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        throw new DeadLetterWriteException("Could not write to dead-letter topic " + target
                + "; the source offset stays uncommitted and the record will be read again", e);
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = KafkaRecords.bytesProducer(camelContext, Map.of(ProducerConfig.CLIENT_ID_CONFIG, "kafka-flows-dead-letter"));
                }
            }
        }
        return producer;
    }

    private KafkaTransactions transactions() {
        if (transactions == null) {
            transactions = CamelContextHelper.mandatoryLookup(camelContext, KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        }
        return transactions;
    }

    private synchronized DeadLetterHealthCheck health() {
        if (health == null) {
            health = new DeadLetterHealthCheck("dead-letter");
        }
        return health;
    }

    @Override
    protected void doStart() {
        HealthChecks.replace(camelContext, health());
    }

    @Override
    protected void doStop() {
        Producer<byte[], byte[]> current = producer;
        producer = null;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
