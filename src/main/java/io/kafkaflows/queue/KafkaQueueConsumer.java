package io.kafkaflows.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.admin.SharedKafkaAdmin;
import io.kafkaflows.kafka.KafkaClientProperties;
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
 * broker hands it out again once its acquisition lock times out.
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

    KafkaQueueConsumer(KafkaQueueEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        setStartOffset();
        running = true;
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "KafkaQueue[" + endpoint.getTopic() + "]", endpoint.getConcurrency());
        for (int i = 0; i < endpoint.getConcurrency(); i++) {
            executor.submit(this::run);
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
        super.doStop();
    }

    /** One share consumer's loop: poll, run each record through the route, acknowledge, commit. */
    private void run() {
        while (running) {
            try (ShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(shareConsumerProperties())) {
                consumer.subscribe(List.of(endpoint.getTopic()));
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(endpoint.getPollTimeoutMs()));
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        // stopping: what is left of the poll goes back to the group at once, not when its lock expires
                        consumer.acknowledge(record, running ? handle(record) : AcknowledgeType.RELEASE);
                    }
                    if (!records.isEmpty()) {
                        logFailed(consumer.commitSync());
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Share consumer of {} on {} failed ({}); records it held are handed out again; retrying in 1 s",
                        endpoint.getGroupId(), endpoint.getTopic(), e.toString());
                pause();
            }
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
        props.put("share.acknowledgement.mode", "explicit");
        return props;
    }

    /** The group config share.auto.offset.reset: where a share group without a position starts. */
    private void setStartOffset() throws Exception {
        SharedKafkaAdmin shared = getEndpoint().getCamelContext().getRegistry()
                .lookupByNameAndType(SharedKafkaAdmin.BEAN_NAME, SharedKafkaAdmin.class);
        Admin own = shared == null ? Admin.create(KafkaClientProperties.admin(getEndpoint().getCamelContext())) : null;
        try {
            Admin admin = shared != null ? shared.admin() : own;
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, endpoint.getGroupId()),
                    List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", endpoint.getStartOffset()),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
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
