package io.kafkaflows.guarantees;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kafkaflows.testsupport.HttpSinkServer;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The rows whose input is {@link SequencedInput}: the consumer flow (per record, in batch mode and with a batch sink,
 * output to an HTTP sink), the stream transform and exactly-once (output to a topic, read with an independent read_committed reader up
 * to its end offsets). Dead letters go to the cell's own DLQ topic (flows.dlq.topic).
 */
public final class SequencedFlow implements FlowUnderTest {

    public enum Kind { CONSUMER, CONSUMER_BATCH, CONSUMER_BATCH_SINK, TRANSFORM, TRANSFORM_PER_RECORD, EXACTLY_ONCE, EXACTLY_ONCE_PER_RECORD }

    private static final int PER_POLL = 50;

    private final Kind kind;

    public SequencedFlow(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return switch (kind) {
            case CONSUMER -> "consumer (per record)";
            case CONSUMER_BATCH -> "consumer (batch mode)";
            case CONSUMER_BATCH_SINK -> "consumer (batch sink)";
            case TRANSFORM -> "stream transform (poll mode)";
            case TRANSFORM_PER_RECORD -> "stream transform (per record)";
            case EXACTLY_ONCE -> "exactly-once (poll mode)";
            case EXACTLY_ONCE_PER_RECORD -> "exactly-once (per record)";
        };
    }

    @Override
    public FlowPromise promise() {
        return eos() ? FlowPromise.EXACTLY_ONCE : FlowPromise.AT_LEAST_ONCE;
    }

    private boolean eos() {
        return kind == Kind.EXACTLY_ONCE || kind == Kind.EXACTLY_ONCE_PER_RECORD;
    }

    @Override
    public int recordsPerPoll() {
        return PER_POLL;
    }

    @Override
    public Applicability applies(Fault fault) {
        return Applicability.APPLIES;
    }

    @Override
    public PreparedCell prepare(CellContext context) {
        return new Cell(context);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private final class Cell implements PreparedCell {
        private final TestKafka kafka;
        private final CellContext context;
        private final String input;
        private final CellDeadLetterTopic dlq;
        private final String group;
        private final String output;
        private final HttpSinkServer sink;
        private final SequencedInput records;

        Cell(CellContext context) {
            this.context = context;
            this.kafka = context.kafka();
            String id = kind.name().toLowerCase().replace('_', '-');
            input = kafka.createTopic(unique(id + "-in"), context.partitions(), Map.of());
            boolean unwritable = context.fault() == Fault.DLQ_UNWRITABLE;
            dlq = new CellDeadLetterTopic(kafka, id, unwritable);
            group = unique(id + "-group");
            boolean consumer = kind == Kind.CONSUMER || kind == Kind.CONSUMER_BATCH || kind == Kind.CONSUMER_BATCH_SINK;
            output = consumer ? null : kafka.createTopic(unique(id + "-out"), context.partitions(), Map.of());
            sink = consumer ? new HttpSinkServer() : null;
            records = SequencedInput.build(input, context.records(), context.poisoned(), unwritable, context.seed());
        }

        @Override
        public Map<String, String> settings() {
            Map<String, String> s = new HashMap<>(context.appSettings().get());
            dlq.configure(s);
            String prefix = switch (kind) {
                case CONSUMER, CONSUMER_BATCH, CONSUMER_BATCH_SINK -> "flows.consumer.";
                case TRANSFORM, TRANSFORM_PER_RECORD -> "flows.transform.";
                case EXACTLY_ONCE, EXACTLY_ONCE_PER_RECORD -> "flows.eos.";
            };
            s.put(prefix + "max-poll-records", String.valueOf(PER_POLL));
            s.put(prefix + "group-id", group);
            if (sink != null) {
                s.put("flows.consumer.topic", input);
                s.put("flows.consumer.sink", sink.uri());
                s.put("flows.consumer.batch", String.valueOf(kind != Kind.CONSUMER));
                s.put("flows.consumer.batch-sink", String.valueOf(kind == Kind.CONSUMER_BATCH_SINK));
                s.put("flows.consumer.batch-size", String.valueOf(PER_POLL));
            } else {
                if (kind == Kind.TRANSFORM || kind == Kind.TRANSFORM_PER_RECORD) {
                    s.put("flows.transform.batch", String.valueOf(kind == Kind.TRANSFORM));
                    s.put("flows.transform.batch-size", String.valueOf(PER_POLL));
                }
                s.put(prefix + "input-topic", input);
                s.put(prefix + "output-topic", output);
            }
            if (eos()) {
                s.put("flows.eos.batch", String.valueOf(kind == Kind.EXACTLY_ONCE));
                s.put("flows.eos.batch-size", String.valueOf(PER_POLL));
                s.put("flows.eos.max-records-per-transaction", String.valueOf(PER_POLL));
            }
            return s;
        }

        @Override
        public Source source() {
            return new Source(input, group, records.total());
        }

        @Override
        public List<ProducerRecord<byte[], byte[]>> input() {
            return records.records();
        }

        @Override
        public void written(List<RecordMetadata> metadata) {
            records.written(metadata);
        }

        @Override
        public long committedPastPoison() {
            return CellDeadLetterTopic.committedPast(kafka, group, input, records.firstPoisonOffsets());
        }

        @Override
        public void repairDeadLetterTopic() {
            dlq.repair();
        }

        @Override
        public Counts count() {
            List<Integer> dead = dlq.poisonSeqs();
            List<Integer> processed = new ArrayList<>();
            long outOfOrder = 0;
            if (sink != null) {
                // a batch sink's request holds the events of one batch
                sink.received().forEach(body -> processed.addAll(kind == Kind.CONSUMER_BATCH_SINK
                        ? SequencedInput.seqsOf(body) : List.of(SequencedInput.seqOf(body))));
            } else {
                kafka.awaitTransactionsDecided(output, Duration.ofSeconds(120));
                Map<String, Integer> lastByKey = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(output, "read_committed")) {
                    int seq = SequencedInput.seqOf(text(r.value()));
                    processed.add(seq);
                    Integer previous = lastByKey.put(text(r.key()), seq);
                    outOfOrder += eos() && previous != null && previous >= seq ? 1 : 0;
                }
            }
            return records.tally(processed, dead, outOfOrder);
        }

        @Override
        public void close() {
            if (sink != null) {
                sink.close();
            }
        }
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
