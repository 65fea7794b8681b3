package io.kafkaflows.window;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.kafkaflows.kafka.aggregation.KafkaAggregationRepository;
import io.kafkaflows.kafka.tx.ConsumerBoundCommit;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import io.kafkaflows.kafka.tx.TransactionAbortedException;
import io.kafkaflows.deadletter.InvalidEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of the windowed-aggregation flow, on the consumer thread inside the poll's transaction: validates the
 * record ({@link WindowEventReader}), makes sure the partition's windows are the durable ones (restored from the
 * changelog whenever the consumer or its assignment changed), then plans the record ({@link PartitionWindows}) and
 * puts the steps for the aggregate EIP in the body, or sets header {@value #LATE} (the reason) and keeps the record.
 * Each partition's stream time is committed with its offset (offset metadata), as Kafka Streams does.
 */
public class WindowAssignProcessor implements Processor {

    public static final String LATE = "kafkaflows.window.late";
    private static final String STREAM_TIME = "streamTime=";
    private static final Logger LOG = LoggerFactory.getLogger(WindowAssignProcessor.class);

    private WindowDefinition windows;
    private WindowEventReader reader;
    private KafkaAggregationRepository repository;
    private KafkaTransactions transactions;
    private Consumer<?, ?> consumer;
    private int generation;
    private Set<TopicPartition> assignment = Set.of();
    private final Map<Integer, PartitionWindows> partitions = new HashMap<>();

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] key = message.getHeader(KafkaConstants.KEY, byte[].class);
        if (key == null) {
            throw new InvalidEventException("the record has no key: windows are kept per key");
        }
        WindowEventReader.Event event = reader.read(message.getBody(byte[].class),
                message.getHeader(KafkaConstants.TIMESTAMP, Long.class), System.currentTimeMillis());
        ConsumerBoundCommit record = message.getHeader(KafkaConstants.MANUAL_COMMIT, ConsumerBoundCommit.class);
        if (transactions == null) {
            transactions = CamelContextHelper.mandatoryLookup(exchange.getContext(), KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        }
        transactions.join(exchange);
        PartitionWindows windowsOfPartition = current(record, exchange.getFromRouteId()).get(record.partition().partition());
        PartitionWindows.Plan plan = windowsOfPartition.plan(Base64.getEncoder().encodeToString(key), event.timestamp(),
                event.value(), group -> repository.get(exchange.getContext(), group).getMessage().getBody(WindowAggregate.class));
        if (plan.lateReason() != null) {
            message.setHeader(LATE, plan.lateReason());
        } else {
            message.setBody(plan.ops());
        }
    }

    /** The windows of the consumer's partitions, restored if the consumer or its assignment changed since. */
    private synchronized Map<Integer, PartitionWindows> current(ConsumerBoundCommit record, String routeId) {
        Consumer<?, ?> c = record.consumer();
        int gen = c.groupMetadata().generationId();
        Set<TopicPartition> assigned = c.assignment();
        if (c != consumer || gen != generation || !assigned.equals(assignment)) {
            try {
                restore(c, record.partition().topic(), assigned, routeId);
            } catch (RuntimeException e) {
                throw new TransactionAbortedException("window state of " + assigned + " not restored: " + e, e);
            }
            consumer = c;
            generation = gen;
            assignment = assigned;
        }
        return partitions;
    }

    private void restore(Consumer<?, ?> c, String topic, Set<TopicPartition> assigned, String routeId) {
        long started = System.nanoTime();
        repository.ensureTopic(c.partitionsFor(topic, Duration.ofSeconds(30)).size());
        Set<Integer> owned = new TreeSet<>();
        assigned.stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> owned.add(tp.partition()));
        long read = repository.restore(owned, true);
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(assigned, Duration.ofSeconds(30));
        partitions.clear();
        int open = 0;
        for (int p : owned) {
            OffsetAndMetadata offset = committed.get(new TopicPartition(topic, p));
            PartitionWindows restored = new PartitionWindows(windows, p, streamTimeOf(offset));
            repository.forEachGroup(p, (group, state) -> restored.register(group, state.getMessage().getBody(WindowAggregate.class)));
            partitions.put(p, restored);
            open += restored.openWindows();
        }
        transactions.offsetMetadata(routeId, tp -> {
            PartitionWindows w = partitions.get(tp.partition());
            return w == null ? "" : STREAM_TIME + w.streamTime();
        });
        LOG.info("Window state of {} partitions {} restored from {}: {} changelog records, {} open windows, in {} ms",
                topic, owned, repository.getTopic(), read, open, (System.nanoTime() - started) / 1_000_000);
    }

    private static long streamTimeOf(OffsetAndMetadata offset) {
        String metadata = offset == null ? null : offset.metadata();
        if (metadata == null || !metadata.startsWith(STREAM_TIME)) {
            return -1;
        }
        return Long.parseLong(metadata.substring(STREAM_TIME.length()));
    }

    private String type;
    private String size;
    private String advance;
    private String gap;
    private String grace;
    private String valueField = "value";
    private String timeField;
    private String maxFuture = "PT1H";

    /** Validates the window knobs at start-up (a bad definition stops the app with the property's name). */
    public void init() {
        windows = WindowDefinition.parse(type, size, advance, gap, grace);
        reader = new WindowEventReader(valueField, timeField, Duration.parse(maxFuture));
        LOG.info("Windows: {}", windows);
    }

    public void setType(String type) {
        this.type = type;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public void setAdvance(String advance) {
        this.advance = advance;
    }

    public void setGap(String gap) {
        this.gap = gap;
    }

    public void setGrace(String grace) {
        this.grace = grace;
    }

    public void setValueField(String valueField) {
        this.valueField = valueField;
    }

    public void setTimeField(String timeField) {
        this.timeField = timeField;
    }

    public void setMaxFuture(String maxFuture) {
        this.maxFuture = maxFuture;
    }

    public void setRepository(KafkaAggregationRepository repository) {
        this.repository = repository;
    }

}
