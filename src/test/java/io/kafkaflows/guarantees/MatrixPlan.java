package io.kafkaflows.guarantees;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which rows and cells a run measures, and at what size. Full mode: every cell of every row this runner builds,
 * tens of thousands of records per cell, exactly-once and windows 100,000 over 6 partitions. Quick mode (CI):
 * a few thousand records and a subset of cells, one per fault kind that has bitten before. {@code -Dguarantees.cells}
 * (e.g. {@code exactly-once/ZOMBIE,window/APP_SIGKILL}) narrows either mode to the named cells, to reproduce one
 * with its seed.
 */
final class MatrixPlan {

    /** Row id -> flow, in the table's order. */
    static final Map<String, FlowUnderTest> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("exactly-once", new SequencedFlow(SequencedFlow.Kind.EXACTLY_ONCE));
        ROWS.put("exactly-once-per-record", new SequencedFlow(SequencedFlow.Kind.EXACTLY_ONCE_PER_RECORD));
        ROWS.put("consumer", new SequencedFlow(SequencedFlow.Kind.CONSUMER));
        ROWS.put("transform", new SequencedFlow(SequencedFlow.Kind.TRANSFORM));
        ROWS.put("transform-per-record", new SequencedFlow(SequencedFlow.Kind.TRANSFORM_PER_RECORD));
        ROWS.put("window", new WindowFlow(false));
        ROWS.put("window-per-record", new WindowFlow(true));
        ROWS.put("consumer-batch", new SequencedFlow(SequencedFlow.Kind.CONSUMER_BATCH));
        ROWS.put("consumer-batch-sink", new SequencedFlow(SequencedFlow.Kind.CONSUMER_BATCH_SINK));
        ROWS.put("dlq-replay", new DlqReplayFlow());
        ROWS.put("http-ingress", new HttpIngressFlow());
    }

    private static final Set<String> QUICK = Set.of("exactly-once/APP_SIGKILL", "exactly-once/ZOMBIE", "exactly-once-per-record/APP_SIGKILL",
            "consumer/POISON", "consumer-batch-sink/POISON", "transform/BROKER_RESTART", "window/APP_SIGKILL", "window/ZOMBIE", "window-per-record/APP_SIGKILL", "consumer-batch/APP_SIGTERM",
            "consumer-batch/DLQ_UNWRITABLE", "transform/DLQ_UNWRITABLE", "transform-per-record/POISON", "http-ingress/APP_SIGKILL", "consumer/ZOMBIE");

    final boolean quick;
    private final Set<String> only;

    MatrixPlan(boolean quick, String only) {
        this.quick = quick;
        this.only = only == null || only.isBlank() ? Set.of()
                : Arrays.stream(only.split(",")).map(String::trim).collect(Collectors.toSet());
    }

    /** Whether this run measures the cell (n/a and not-yet cells are always published as such). */
    boolean includes(String row, Fault fault) {
        String id = row + "/" + fault.name();
        return only.isEmpty() ? !quick || QUICK.contains(id) : only.contains(id);
    }

    /** Only a full run of every cell replaces the matrix in docs/guarantees.md. */
    boolean publishes() {
        return !quick && only.isEmpty();
    }

    int records(String row) {
        boolean big = row.equals("exactly-once") || row.equals("window");
        if (quick) {
            return big ? 3_000 : 2_000;
        }
        return big ? 100_000 : 20_000;
    }

    /**
     * Each cell's input is written over this time while the app runs: long enough for the fault's app starts and
     * group joins to land mid-stream (a rebalance starts a second JVM and waits for it to join; a zombie waits for two
     * JVMs to join and then for the session timeout; the random schedule injects three faults).
     */
    Duration inputSpan(Fault fault) {
        boolean slow = fault == Fault.REBALANCE || fault == Fault.ZOMBIE || fault == Fault.RANDOM;
        return Duration.ofSeconds((quick ? 15 : 30) * (slow ? 2 : 1));
    }

    int partitions(String row) {
        return !quick && (row.equals("exactly-once") || row.equals("window")) ? 6 : 3;
    }

    List<FlowUnderTest> flows() {
        return List.copyOf(ROWS.values());
    }

    /** Records per cell, per row (for the page's header). */
    Map<String, String> sizes() {
        Map<String, String> sizes = new LinkedHashMap<>();
        ROWS.forEach((id, flow) -> sizes.put(flow.name(), String.format("%,d over %d partitions", records(id), partitions(id))));
        return sizes;
    }
}
