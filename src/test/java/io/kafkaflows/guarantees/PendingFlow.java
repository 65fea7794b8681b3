package io.kafkaflows.guarantees;

/**
 * A row this runner does not build yet: every cell "not yet measured" (or n/a where the fault cannot happen to the
 * flow), never a number.
 */
public record PendingFlow(String name, FlowPromise promise, String why) implements FlowUnderTest {

    public static PendingFlow httpIngress() {
        return new PendingFlow("HTTP ingress (acknowledged records)", FlowPromise.AT_LEAST_ONCE, "row not built yet");
    }

    public static PendingFlow dlqReplay() {
        return new PendingFlow("DLQ replay", FlowPromise.AT_LEAST_ONCE, "row not built yet");
    }

    @Override
    public int recordsPerPoll() {
        return 0;
    }

    @Override
    public Applicability applies(Fault fault) {
        boolean noGroup = name.startsWith("HTTP");
        if (noGroup && (fault == Fault.ZOMBIE || fault == Fault.REBALANCE)) {
            return Applicability.notApplicable("HTTP ingress only produces: no consumer group to fence or rebalance");
        }
        return Applicability.notYet(why);
    }

    @Override
    public PreparedCell prepare(CellContext context) {
        throw new UnsupportedOperationException(name + ": " + why);
    }
}
