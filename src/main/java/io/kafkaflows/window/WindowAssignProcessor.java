package io.kafkaflows.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.kafkaflows.kafka.aggregation.KafkaAggregationRepository;
import io.kafkaflows.kafka.tx.ConsumerBoundCommit;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import io.kafkaflows.kafka.tx.TransactionAbortedException;
import io.kafkaflows.deadletter.InvalidEventException;
import io.kafkaflows.tracing.RecordTracing;
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
 * puts the steps for the aggregate EIP in exchange property {@value #OPS}; a late record gets header {@value #LATE}
 * (the reason). With an idle close, windows of partitions quiet for that long are closed too.
 * Each partition's stream time is committed with its offset (offset metadata), as Kafka Streams does.
 */
public class WindowAssignProcessor implements Processor {

    public static final String LATE = "kafkaflows.window.late";
    /** Exchange property: the steps for the aggregate EIP (a list of {@link WindowOp}). */
    public static final String OPS = "kafkaflowsWindowOps";
    private static final String STREAM_TIME = "streamTime=";
    private static final Logger LOG = LoggerFactory.getLogger(WindowAssignProcessor.class);

    private WindowDefinition windows;
    private WindowEventReader reader;
    private KafkaAggregationRepository repository;
    private KafkaTransactions transactions;
    private Consumer<?, ?> consumer;
    private int generation;
    private Set<TopicPartition> assignment = Set.of();
    /** Set after the last record of a poll (also one that failed): the next record looks at the assignment. */
    private boolean newPoll = true;
    private final Map<Integer, PartitionWindows> partitions = new HashMap<>();
    private final Map<Integer, Long> lastRecordNanos = new HashMap<>();
    /** Per partition: the offset after the last record planned (or the committed one after a restore). */
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private long idleCloseMs;

    @Override
    public void process(Exchange exchange) {
        try {
            plan(exchange);
        } finally {
            if (Boolean.TRUE.equals(exchange.getMessage().getHeader(KafkaConstants.LAST_POLL_RECORD))) {
                newPoll = true;
            }
        }
    }

    /** Poll mode: a new poll begins (a rebalance may have happened in it: the next record looks at the assignment). */
    public void newPoll() {
        newPoll = true;
    }

    private void plan(Exchange exchange) {
        Message message = exchange.getMessage();
        ConsumerBoundCommit record = message.getHeader(KafkaConstants.MANUAL_COMMIT, ConsumerBoundCommit.class);
        if (transactions == null) {
            transactions = CamelContextHelper.mandatoryLookup(exchange.getContext(), KafkaTransactions.BEAN_NAME, KafkaTransactions.class);
        }
        // state (and with it each partition's stream time, committed as offset metadata) first: a bad record
        // dead-lettered right after a start or a rebalance must commit the restored stream time, not none
        transactions.join(exchange);
        PartitionWindows windowsOfPartition = current(record, exchange.getFromRouteId()).get(record.partition().partition());
        byte[] key = message.getHeader(KafkaConstants.KEY, byte[].class);
        if (key == null) {
            throw new InvalidEventException("the record has no key: windows are kept per key");
        }
        WindowEventReader.Event event = reader.read(message.getBody(byte[].class),
                message.getHeader(KafkaConstants.TIMESTAMP, Long.class), System.currentTimeMillis());
        PartitionWindows.Plan plan = windowsOfPartition.plan(Base64.getEncoder().encodeToString(key), event.timestamp(),
                event.value(), group -> repository.get(exchange.getContext(), group).getMessage().getBody(WindowAggregate.class));
        List<WindowOp> ops = new ArrayList<>(plan.ops());
        String trace = RecordTracing.currentTraceparent();
        if (trace != null) {
            ops.stream().filter(op -> op.kind() == WindowOp.Kind.CONTRIBUTE).forEach(op -> op.contribution().addTrace(trace));
        }
        if (plan.lateReason() != null) {
            message.setHeader(LATE, plan.lateReason());
        }
        nextOffsets.put(record.partition().partition(), record.offset() + 1);
        if (idleCloseMs > 0) {
            ops.addAll(closeIdle(exchange, record.partition()));
        }
        exchange.setProperty(OPS, ops);
    }

    /** Idle close: windows of partitions that got no record for idleCloseMs of wall-clock time while this one did. */
    private List<WindowOp> closeIdle(Exchange exchange, TopicPartition activePartition) {
        int active = activePartition.partition();
        long now = System.nanoTime();
        lastRecordNanos.put(active, now);
        List<WindowOp> ops = new ArrayList<>();
        for (Map.Entry<Integer, PartitionWindows> entry : partitions.entrySet()) {
            long last = lastRecordNanos.computeIfAbsent(entry.getKey(), p -> now);
            if (entry.getKey() != active && entry.getValue().openWindows() > 0 && now - last >= idleCloseMs * 1_000_000L) {
                List<WindowOp> closed = entry.getValue().closeAll();
                LOG.info("Idle close: partition {} got no record for {} ms; closing its {} open windows",
                        entry.getKey(), (now - last) / 1_000_000, closed.size());
                ops.addAll(closed);
                Long next = nextOffsets.get(entry.getKey());
                if (next != null) {
                    // the partition's new stream time commits with its (unchanged) offset
                    transactions.includeOffset(exchange, new TopicPartition(activePartition.topic(), entry.getKey()), next);
                }
            }
        }
        return ops;
    }

    /** The windows of the consumer's partitions, restored if the consumer or its assignment changed since. */
    private synchronized Map<Integer, PartitionWindows> current(ConsumerBoundCommit record, String routeId) {
        Consumer<?, ?> c = record.consumer();
        // a rebalance happens only inside poll(): look at the assignment on the first record of each poll
        if (c == consumer && !newPoll) {
            return partitions;
        }
        newPoll = false;
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
        lastRecordNanos.clear();
        nextOffsets.clear();
        int open = 0;
        for (int p : owned) {
            OffsetAndMetadata offset = committed.get(new TopicPartition(topic, p));
            if (offset != null) {
                nextOffsets.put(p, offset.offset());
            }
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
    private String idleClose = "";

    /** Validates the window knobs at start-up (a bad definition stops the app with the property's name). */
    public void init() {
        windows = WindowDefinition.parse(type, size, advance, gap, grace);
        reader = new WindowEventReader(valueField, timeField, Duration.parse(maxFuture));
        idleCloseMs = idleClose == null || idleClose.isBlank() ? 0 : Duration.parse(idleClose.trim()).toMillis();
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

    /** ISO-8601 duration; empty (default): off. */
    public void setIdleClose(String idleClose) {
        this.idleClose = idleClose;
    }

    public void setMaxFuture(String maxFuture) {
        this.maxFuture = maxFuture;
    }

    public void setRepository(KafkaAggregationRepository repository) {
        this.repository = repository;
    }

}
