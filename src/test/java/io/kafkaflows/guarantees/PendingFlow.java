package io.kafkaflows.guarantees;

/**
 * A row this runner does not build yet: every cell "not yet measured" (or n/a where the fault cannot happen to the
 * flow), never a number.
 */
public record PendingFlow(String name, FlowPromise promise, String why) implements FlowUnderTest {

    public static PendingFlow dlqReplay() {
        return new PendingFlow("DLQ replay", FlowPromise.AT_LEAST_ONCE, "row not built yet");
    }

    @Override
    public int recordsPerPoll() {
        return 0;
    }

    @Override
    public Applicability applies(Fault fault) {
        return Applicability.notYet(why);
    }

    @Override
    public PreparedCell prepare(CellContext context) {
        throw new UnsupportedOperationException(name + ": " + why);
    }
}
