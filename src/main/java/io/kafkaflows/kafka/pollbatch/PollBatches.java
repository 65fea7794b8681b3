package io.kafkaflows.kafka.pollbatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.tx.ConsumerBoundCommit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * At-least-once consume-transform-produce without waiting for each record (bean {@code pollBatches}): outputs
 * ({@code kafka-poll-batch:} endpoint) are sent without waiting, and the consumed offsets are committed at the end of
 * each poll, only after the producer was flushed and every send of the poll was acknowledged (acks=all). If a send
 * failed, nothing is committed, the exchange fails with {@link PollBatchFailedException} and the consumer's batch
 * is refused until camel-kafka replaces the consumer (breakOnFirstError) and re-reads from the committed offsets:
 * records are written again (duplicates), never lost; that re-read poll sends one record at a time, so a record the
 * output refuses (too large, ...) reaches the route's error handler and is dead-lettered. The route consumes with
 * {@code kafkaManualCommitFactory=#consumerBoundCommitFactory}, so camel-kafka itself never commits.
 */
public final class PollBatches extends ServiceSupport implements CamelContextAware {

    public static final String BEAN_NAME = "pollBatches";

    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    private CamelContext camelContext;

    /** Sends the record without waiting; a failure is seen when the poll is committed. */
    public void send(Exchange exchange, ProducerRecord<byte[], byte[]> record) {
        Batch batch = batchOf(exchange);
        if (batch.synchronous) {
            try {
                batch.producer.send(record).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                // the record's own failure, for the route's error handler (retries, then the dead-letter topic)
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            return;
        }
        batch.producer.send(record, (metadata, e) -> {
            if (e != null) {
                batch.failure.compareAndSet(null, e);
            }
        });
    }

    /** The exchange's record is done; at the end of the poll: flush, check, commit the poll's offsets. */
    public void recordDone(Exchange exchange) {
        ConsumerBoundCommit record = ConsumerBoundCommit.of(exchange, KafkaPollBatchEndpoint.SCHEME);
        Batch batch = batchOf(exchange);
        batch.offsets.put(record.partition(), new OffsetAndMetadata(record.offset() + 1));
        if (Boolean.TRUE.equals(exchange.getMessage().getHeader(KafkaConstants.LAST_POLL_RECORD))) {
            batch.producer.flush();
            Exception failure = batch.failure.get();
            if (failure != null) {
                batch.poisoned = true;
                throw new PollBatchFailedException("a send of this poll failed, nothing committed; the poll is read again: "
                        + failure, failure);
            }
            batch.consumer.commitSync(new HashMap<>(batch.offsets));
            batch.offsets.clear();
            batch.synchronous = false;
        }
    }

    /**
     * The exchange's record failed unhandled mid-poll (its dead letter could not be written): once every output sent
     * so far is acknowledged, commits the records of the poll done before it, so the poll read again starts at the
     * failed record and their outputs are not written again on every attempt. Does nothing on other routes.
     */
    public void commitDoneBefore(Exchange exchange) {
        Batch batch = batches.get(exchange.getFromRouteId());
        if (batch == null || batch.poisoned || batch.offsets.isEmpty()
                || batch.consumer != ConsumerBoundCommit.of(exchange, KafkaPollBatchEndpoint.SCHEME).consumer()) {
            return;
        }
        batch.producer.flush();
        if (batch.failure.get() == null) {
            batch.consumer.commitSync(new HashMap<>(batch.offsets));
            batch.offsets.clear();
        }
    }

    private Batch batchOf(Exchange exchange) {
        Consumer<?, ?> consumer = ConsumerBoundCommit.of(exchange, KafkaPollBatchEndpoint.SCHEME).consumer();
        String routeId = exchange.getFromRouteId();
        Batch batch = batches.get(routeId);
        if (batch == null || batch.consumer != consumer) {
            // first use, or camel-kafka replaced its consumer after a failure: start clean (unacknowledged sends
            // are abandoned) with the route's producer
            Batch previous = batch;
            batch = new Batch(consumer, previous != null ? previous.producer
                    : KafkaRecords.bytesProducer(camelContext, Map.of(ProducerConfig.CLIENT_ID_CONFIG, "kafka-flows-poll-batch-" + routeId)));
            // the poll read again after a failed send goes one record at a time, so the failing record meets the
            // route's error handler itself (retried, then dead-lettered) instead of failing the poll forever
            batch.synchronous = previous != null && previous.poisoned;
            batches.put(routeId, batch);
        }
        if (batch.poisoned) {
            throw new PollBatchFailedException("a send of this poll failed earlier; the poll is read again", null);
        }
        return batch;
    }

    @Override
    protected void doStop() {
        batches.values().forEach(b -> b.producer.close(Duration.ofSeconds(5)));
        batches.clear();
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    private static final class Batch {
        final Consumer<?, ?> consumer;
        final Producer<byte[], byte[]> producer;
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        boolean poisoned;
        boolean synchronous;

        Batch(Consumer<?, ?> consumer, Producer<byte[], byte[]> producer) {
            this.consumer = consumer;
            this.producer = producer;
        }
    }
}
