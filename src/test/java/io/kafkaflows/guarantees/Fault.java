package io.kafkaflows.guarantees;

/**
 * The matrix's columns: one fault each, injected for real into a running cell (the app is a child process, the
 * broker a separate JVM). {@link #measured} is false for the columns this runner does not inject yet: their cells
 * say "not yet measured", which is not the same as "does not apply".
 */
public enum Fault {
    APP_SIGKILL("app SIGKILL", "the app is SIGKILLed mid-stream and restarted", true),
    APP_SIGTERM("app SIGTERM", "the app is stopped with SIGTERM mid-stream and restarted", true),
    ZOMBIE("SIGSTOP zombie", "two instances; one is SIGSTOPped past the session timeout, the other takes over, then SIGCONT", true),
    REBALANCE("rebalance", "a second instance joins mid-stream and leaves again (SIGTERM)", true),
    BROKER_RESTART("broker SIGKILL + restart", "the single broker is SIGKILLed mid-stream and restarted on the same data", true),
    POISON("poison records", "every 10th input is not JSON; one app SIGKILL mid-stream", true),
    DLQ_UNWRITABLE("DLQ unwritable", "poison records whose dead letters the DLQ topic rejects (record too large), then the topic is fixed", true),
    RANDOM("seeded random schedule", "three faults drawn from app SIGKILL, SIGTERM and broker SIGKILL + restart by the seed", true),
    CLUSTER_LEADER_KILL("leader/coordinator SIGKILL (3 nodes)", "on a 3-node cluster (replication 3, min.insync.replicas 2), the node coordinating the group (no group: leading partition 0) is SIGKILLed mid-stream, restarted once the flow went on", true),
    COORDINATOR_TIMEOUT("coordinator timeouts", "the single broker (group and transaction coordinator) SIGSTOPped until the app's requests time out (past request.timeout.ms), then SIGCONT", true);

    /** Whether the fault kills or freezes brokers (not applicable to brokers this run does not own). */
    public boolean killsBrokers() {
        return this == BROKER_RESTART || this == CLUSTER_LEADER_KILL || this == COORDINATOR_TIMEOUT || this == RANDOM;
    }

    public final String label;
    public final String description;
    public final boolean measured;

    Fault(String label, String description, boolean measured) {
        this.label = label;
        this.description = description;
        this.measured = measured;
    }
}
