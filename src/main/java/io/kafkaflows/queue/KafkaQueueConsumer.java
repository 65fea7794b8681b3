package io.kafkaflows.queue;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.HealthChecks;
import io.kafkaflows.Meters;
import io.kafkaflows.admin.SharedKafkaAdmin;
import io.kafkaflows.kafka.KafkaClientProperties;
import io.micrometer.core.instrument.Counter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kafka-queue:} consumer: {@code concurrency} threads, each with its own {@link KafkaShareConsumer}
 * (explicit acknowledgement) in the endpoint's share group. Each record goes through the route on the polling
 * thread and is acknowledged by its outcome ({@link #outcome}); the poll's acknowledgements are committed before the
 * next poll. A record is never acknowledged before the route is done with it: a crash leaves it acquired, and the
 * broker hands it out again once its acquisition lock times out. A poll that takes long commits as it goes and
 * releases its tail unprocessed before the locks expire ({@link #handlePoll}). Counts the outcomes
 * ({@code kafkaflows_queue_records_total{group,topic,outcome}}) and reports failing polls as health
 * ({@link KafkaQueueHealthCheck}).
 */
public class KafkaQueueConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaQueueConsumer.class);
    /** Settings of a consumer group that a share consumer refuses (ShareConsumerConfig). */
    private static final List<String> NOT_FOR_SHARE_GROUPS = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

    private final KafkaQueueEndpoint endpoint;
    private volatile boolean running;
    private ExecutorService executor;
    private KafkaQueueHealthCheck health;
    private Map<AcknowledgeType, Counter> outcomes;

    KafkaQueueConsumer(KafkaQueueEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        setGroupConfigs();
        health = new KafkaQueueHealthCheck(getRouteId(), endpoint.getGroupId(), endpoint.getTopic());
        HealthChecks.replace(getEndpoint().getCamelContext(), health);
        outcomes = new EnumMap<>(AcknowledgeType.class);
        for (AcknowledgeType type : List.of(AcknowledgeType.ACCEPT, AcknowledgeType.RELEASE, AcknowledgeType.REJECT)) {
            outcomes.put(type, Counter.builder("kafkaflows.queue.records")
                    .description("Records of a kafka-queue: consumer by acknowledgement (accept, release, reject)")
                    .tags("group", endpoint.getGroupId(), "topic", endpoint.getTopic(),
                            "outcome", type.name().toLowerCase(Locale.ROOT))
                    .register(Meters.registry(getEndpoint().getCamelContext())));
        }
        running = true;
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "KafkaQueue[" + endpoint.getTopic() + "]", endpoint.getConcurrency());
        for (int i = 0; i < endpoint.getConcurrency(); i++) {
            int consumer = i;
            executor.submit(() -> run(consumer));
        }
    }

    /** Each consumer finishes the record in hand, releases the rest of its poll and commits its acknowledgements. */
    @Override
    protected void doStop() throws Exception {
        running = false;
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(executor);
            executor = null;
        }
        if (health != null) {
            HealthChecks.remove(getEndpoint().getCamelContext(), health);
        }
        super.doStop();
    }

    /** One share consumer's loop: poll, run each record through the route, acknowledge, commit. */
    private void run(int index) {
        while (running) {
            try (ShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(shareConsumerProperties())) {
                consumer.subscribe(List.of(endpoint.getTopic()));
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(endpoint.getPollTimeoutMs()));
                    health.polled(index);
                    handlePoll(consumer, records);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                health.failed(index, e);
                LOG.warn("Share consumer of {} on {} failed ({}); records it held are handed out again; retrying in 1 s",
                        endpoint.getGroupId(), endpoint.getTopic(), e.toString());
                pause();
            }
        }
    }

    /**
     * Runs a poll's records through the route and acknowledges each. Past half the poll's acquisition lock every
     * acknowledgement is committed at once, so one slow record does not make those before it late; past 80%, the
     * rest goes back to the group unprocessed (their acknowledgements would come too late, and another consumer
     * would get them too), except a record on its last delivery: released, the broker would archive it unseen.
     * Stopping releases the rest the same way.
     */
    private void handlePoll(ShareConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        long polledAt = System.nanoTime();
        long lock = consumer.acquisitionLockTimeoutMs().map(TimeUnit.MILLISECONDS::toNanos).orElse(Long.MAX_VALUE / 2);
        int unprocessed = 0;
        boolean pending = false;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            boolean inTime = System.nanoTime() - polledAt < lock / 5 * 4;
            boolean last = record.deliveryCount().orElse((short) 1) >= endpoint.getMaxDeliveries();
            AcknowledgeType outcome = (running && inTime) || last ? handle(record) : AcknowledgeType.RELEASE;
            consumer.acknowledge(record, outcome);
            outcomes.get(outcome).increment();
            unprocessed += running && !inTime && !last ? 1 : 0;
            pending = true;
            if (System.nanoTime() - polledAt > lock / 2) {
                logFailed(consumer.commitSync());
                pending = false;
            }
        }
        if (pending) {
            logFailed(consumer.commitSync());
        }
        if (unprocessed > 0) {
            LOG.warn("Released {} of {} records of a poll unprocessed: handling it took over 80% of the acquisition"
                    + " lock ({} ms); lower maxPollRecords ({}) or the time a record takes", unprocessed, records.count(),
                    TimeUnit.NANOSECONDS.toMillis(lock), endpoint.getMaxPollRecords());
        }
    }

    private AcknowledgeType handle(ConsumerRecord<byte[], byte[]> record) {
        Exchange exchange = createExchange(false);
        try {
            fill(exchange.getMessage(), record, exchange);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        AcknowledgeType outcome = outcome(exchange);
        if (outcome == AcknowledgeType.RELEASE) {
            LOG.warn("Releasing {}-{}@{} (delivery {}) for redelivery: {}", record.topic(), record.partition(),
                    record.offset(), record.deliveryCount().orElse((short) 0), exchange.getException().toString());
        }
        releaseExchange(exchange, false);
        return outcome;
    }

    /** ACCEPT: the route succeeded; REJECT: its error handler handled the failure (dead-lettered); RELEASE: not handled. */
    static AcknowledgeType outcome(Exchange exchange) {
        if (exchange.getException() != null) {
            return AcknowledgeType.RELEASE;
        }
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT;
    }

    private void fill(Message message, ConsumerRecord<byte[], byte[]> record, Exchange exchange) {
        for (Header header : record.headers()) {
            if (!endpoint.getHeaderFilterStrategy().applyFilterToExternalHeaders(header.key(), header.value(), exchange)) {
                message.setHeader(header.key(), header.value());
            }
        }
        message.setHeader(KafkaQueueHeaders.TOPIC, record.topic());
        message.setHeader(KafkaQueueHeaders.PARTITION, record.partition());
        message.setHeader(KafkaQueueHeaders.OFFSET, record.offset());
        message.setHeader(KafkaQueueHeaders.TIMESTAMP, record.timestamp());
        if (record.key() != null) {
            message.setHeader(KafkaQueueHeaders.KEY, record.key());
        }
        int deliveries = record.deliveryCount().map(Short::intValue).orElse(1);
        message.setHeader(KafkaQueueHeaders.DELIVERY_COUNT, deliveries);
        message.setHeader(KafkaQueueHeaders.LAST_DELIVERY, deliveries >= endpoint.getMaxDeliveries());
        message.setBody(record.value());
    }

    private Properties shareConsumerProperties() {
        Properties props = KafkaClientProperties.consumer(getEndpoint().getCamelContext());
        NOT_FOR_SHARE_GROUPS.forEach(props::remove);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, endpoint.getGroupId());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, endpoint.getMaxPollRecords());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // a poll takes at most max.poll.records (batch_optimized, the default, hands out whole producer batches)
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        return props;
    }

    /**
     * The group configs share.auto.offset.reset (where a share group without a position starts) and
     * share.delivery.count.limit (= maxDeliveries, so the delivery the route treats as the last is the broker's last:
     * such a record is dead-lettered by the route, never archived by the broker unseen).
     */
    private void setGroupConfigs() throws Exception {
        SharedKafkaAdmin shared = getEndpoint().getCamelContext().getRegistry()
                .lookupByNameAndType(SharedKafkaAdmin.BEAN_NAME, SharedKafkaAdmin.class);
        Admin own = shared == null ? Admin.create(KafkaClientProperties.admin(getEndpoint().getCamelContext())) : null;
        try {
            Admin admin = shared != null ? shared.admin() : own;
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, endpoint.getGroupId()),
                    List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", endpoint.getStartOffset()),
                                    AlterConfigOp.OpType.SET),
                            new AlterConfigOp(new ConfigEntry("share.delivery.count.limit",
                                    String.valueOf(endpoint.getMaxDeliveries())), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(KafkaQueueEndpoint.SCHEME + ":" + endpoint.getTopic() + ": cannot set the"
                    + " configs of share group " + endpoint.getGroupId() + " (share.auto.offset.reset="
                    + endpoint.getStartOffset() + ", share.delivery.count.limit=" + endpoint.getMaxDeliveries()
                    + " from maxDeliveries, which the broker bounds by group.share.min/max.delivery.count.limit, 2 to 10"
                    + " by default; setting them needs ALTER_CONFIGS on the group): " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private void logFailed(Map<TopicIdPartition, Optional<KafkaException>> results) {
        results.forEach((partition, failure) -> failure.ifPresent(e -> LOG.warn("Acknowledgements for {} not committed"
                + " ({}): its records are handed out again when their locks time out", partition, e.toString())));
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
