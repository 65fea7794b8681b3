package io.kafkaflows.guarantees;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.kafkaflows.testsupport.TestKafka;
import io.kafkaflows.window.KafkaStreamsWindowOracle;
import io.kafkaflows.window.OracleWindows;
import io.kafkaflows.window.WindowInputGenerator;
import io.kafkaflows.window.WindowResultRow;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The windowed-aggregation row: generated input (30 keys, out-of-order and late records, tumbling 10 s windows with
 * 3 s grace; {@link WindowInputGenerator}), the same input aggregated by the Kafka Streams oracle
 * ({@link KafkaStreamsWindowOracle}, exactly_once_v2, suppress until the window closes) and the flow's emitted
 * windows compared with the oracle's, window for window, read_committed. The oracle reads the input topic after the
 * cell, when all of it is written. In poison cells every 100th record's value is {@code poison-i} (not JSON; the
 * oracle ignores it, the flow dead-letters it), in the DLQ-unwritable cell with a 16 KiB header as well.
 * Two rows: the poll mode (the default) and the per-record route ({@code flows.window.batch=false}).
 */
public final class WindowFlow implements FlowUnderTest {

    private static final OracleWindows WINDOWS = OracleWindows.tumbling(Duration.ofSeconds(10), Duration.ofSeconds(3));
    private static final int PER_POLL = 50;
    private static final int POISON_EVERY = 100;

    private final boolean perRecord;

    public WindowFlow(boolean perRecord) {
        this.perRecord = perRecord;
    }

    @Override
    public String name() {
        return perRecord ? "windowed aggregation (per record)" : "windowed aggregation (poll mode)";
    }

    @Override
    public FlowPromise promise() {
        return FlowPromise.ORACLE_WINDOWS;
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
        TestKafka kafka = context.kafka();
        String input = kafka.createTopic(SequencedFlow.unique("window-in"), context.partitions(), Map.of());
        String output = kafka.createTopic(SequencedFlow.unique("window-out"), context.partitions(), Map.of());
        String late = kafka.createTopic(SequencedFlow.unique("window-late"), 1, Map.of());
        String oracleOutput = kafka.createTopic(SequencedFlow.unique("window-oracle-out"), context.partitions(), Map.of());
        String group = SequencedFlow.unique("window-group");
        List<ProducerRecord<byte[], byte[]>> records = WindowInputGenerator.generateEndingBefore(System.currentTimeMillis(),
                input, context.partitions(), context.seed(), 30, context.records(), WINDOWS);
        boolean unwritable = context.fault() == Fault.DLQ_UNWRITABLE;
        CellDeadLetterTopic dlq = new CellDeadLetterTopic(kafka, "window", unwritable);
        Set<Integer> poison = context.poisoned() ? poison(records, context.records(), unwritable ? SequencedInput.noise(context.seed()) : null)
                : Set.of();
        Map<Integer, Long> firstPoisonOffsets = new HashMap<>();
        return new PreparedCell() {
            @Override
            public Map<String, String> settings() {
                Map<String, String> s = new HashMap<>(context.appSettings().get());
                s.put("flows.window.input-topic", input);
                s.put("flows.window.output-topic", output);
                s.put("flows.window.late-topic", late);
                s.put("flows.window.group-id", group);
                s.put("flows.window.type", WINDOWS.type());
                s.put("flows.window.size", WINDOWS.size().toString());
                s.put("flows.window.advance", WINDOWS.advance().toString());
                s.put("flows.window.grace", WINDOWS.grace().toString());
                s.put("flows.window.batch", String.valueOf(!perRecord));
                s.put("flows.window.max-poll-records", String.valueOf(PER_POLL));
                s.put("flows.window.batch-size", String.valueOf(PER_POLL));
                dlq.configure(s);
                return s;
            }

            @Override
            public Source source() {
                return new Source(input, group, records.size());
            }

            @Override
            public List<ProducerRecord<byte[], byte[]>> input() {
                return records;
            }

            /** The oracle runs over the same input topic once all of it is written. */
            @Override
            public void written(List<RecordMetadata> metadata) {
                poison.forEach(i -> firstPoisonOffsets.merge(metadata.get(i).partition(), metadata.get(i).offset(), Math::min));
                KafkaStreamsWindowOracle.run(kafka.bootstrapServers(), kafka.admin(), input, oracleOutput, WINDOWS,
                        Duration.ofSeconds(120 + context.records() / 500));
            }

            @Override
            public long committedPastPoison() {
                return CellDeadLetterTopic.committedPast(kafka, group, input, firstPoisonOffsets);
            }

            @Override
            public void repairDeadLetterTopic() {
                dlq.repair();
            }

            @Override
            public Counts count() {
                List<WindowResultRow> expected = rows(kafka, oracleOutput);
                List<WindowResultRow> actual = rows(kafka, output);
                kafka.awaitTransactionsDecided(late, Duration.ofSeconds(120));
                long lateRecords = kafka.readToEnd(late, "read_committed").size();
                return withDeadLetters(compare(records.size(), expected, actual, lateRecords), poison, dlq.poisonSeqs());
            }
        };
    }

    /** Replaces every 100th generated record's value (not the closing flush records) by poison; their indexes. */
    private static Set<Integer> poison(List<ProducerRecord<byte[], byte[]>> records, int generated, String noise) {
        Set<Integer> poison = new TreeSet<>();
        for (int i = POISON_EVERY / 2; i < generated; i += POISON_EVERY) {
            ProducerRecord<byte[], byte[]> r = records.get(i);
            ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), r.key(),
                    ("poison-" + i).getBytes(StandardCharsets.UTF_8));
            if (noise != null) {
                bad.headers().add("noise", noise.getBytes(StandardCharsets.UTF_8));
            }
            records.set(i, bad);
            poison.add(i);
        }
        return poison;
    }

    /** The window counts plus the dead letters: each poison record dead-lettered once, nothing else dead-lettered. */
    static Counts withDeadLetters(Counts windows, Set<Integer> poison, List<Integer> dead) {
        Set<Integer> distinct = new HashSet<>(dead);
        long missing = poison.stream().filter(i -> !distinct.contains(i)).count();
        long notPoison = distinct.stream().filter(i -> !poison.contains(i)).count();
        String note = notPoison > 0 ? notPoison + " dead letters of records that are not poison" : "";
        return new Counts(windows.in(), windows.out(), windows.deadLettered() + dead.size(),
                windows.duplicates() + dead.size() - distinct.size(), windows.missing() + missing,
                windows.wrong() + notPoison, windows.note().isEmpty() ? note : note.isEmpty() ? windows.note() : windows.note() + ", " + note);
    }

    private static List<WindowResultRow> rows(TestKafka kafka, String topic) {
        kafka.awaitTransactionsDecided(topic, Duration.ofSeconds(120));
        List<WindowResultRow> rows = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(topic, "read_committed")) {
            rows.add(WindowResultRow.parse(r.value()));
        }
        return rows;
    }

    /** Duplicates: windows emitted more than once; missing: oracle windows not emitted; wrong: others or other values. */
    static Counts compare(long in, List<WindowResultRow> expected, List<WindowResultRow> actual, long lateRecords) {
        Map<String, Integer> emissions = new HashMap<>();
        actual.forEach(r -> emissions.merge(r.key() + "@" + r.windowStart(), 1, Integer::sum));
        long duplicates = emissions.values().stream().mapToLong(n -> n - 1).sum();
        Set<String> expectedWindows = new HashSet<>();
        expected.forEach(r -> expectedWindows.add(r.key() + "@" + r.windowStart()));
        long missing = expectedWindows.stream().filter(w -> !emissions.containsKey(w)).count();
        Set<WindowResultRow> expectedRows = new HashSet<>(expected);
        long wrong = actual.stream().distinct().filter(r -> !expectedRows.contains(r)).count();
        return new Counts(in, actual.size(), lateRecords, duplicates, missing, wrong,
                wrong > 0 ? "windows not equal to the oracle's (other values, or not emitted by it)" : "");
    }
}
