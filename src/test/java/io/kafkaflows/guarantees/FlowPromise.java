package io.kafkaflows.guarantees;

/**
 * What a flow promises under any fault, stated once and judged against each cell's {@link Counts}.
 * <ul>
 * <li>exactly-once: no duplicate, nothing missing, each key's records in order (read_committed);</li>
 * <li>at-least-once: nothing missing (every input in the output or dead-lettered, never both); duplicates at most
 * one poll ({@code max-poll-records}) per fault injected;</li>
 * <li>acknowledged (HTTP ingress): every record answered 200 is in the topic; duplicates are counted, not limited: a
 * request answered 503 (or not at all) may still have been written, and the client sends it again;</li>
 * <li>replayed (DLQ replay): once a call completed, every dead letter is in the target; duplicates are counted, not
 * limited: every call replays every match, so one interrupted by the fault is replayed again by the next;</li>
 * <li>windows: every window the Kafka Streams oracle emits over the same input is emitted once, with the oracle's
 * values, and no other window.</li>
 * </ul>
 */
public enum FlowPromise {
    EXACTLY_ONCE("exactly-once: 0 duplicates, 0 missing, each key's records in order (read_committed)"),
    AT_LEAST_ONCE("at-least-once: 0 missing (every input processed or dead-lettered, never both); duplicates at most one poll (max-poll-records) per fault"),
    ACKNOWLEDGED("acknowledged: every record answered 200 is in the topic; duplicates counted, not limited (a request answered 503 or not answered may have been written before the client sent it again)"),
    REPLAYED("replayed: once a replay call completed, every dead letter is in the target; duplicates counted, not limited (an interrupted call replays its matches again on the next)"),
    ORACLE_WINDOWS("windows: every window equal to the Kafka Streams oracle's over the same input, none missing, none emitted twice, none extra");

    public final String statement;

    FlowPromise(String statement) {
        this.statement = statement;
    }

    /** Null when the counts keep the promise, otherwise what broke it. */
    public String broken(Counts c, int faults, int recordsPerPoll) {
        StringBuilder why = new StringBuilder();
        if (c.missing() > 0) {
            why.append(c.missing()).append(" missing; ");
        }
        if (c.wrong() > 0) {
            why.append(c.wrong()).append(' ').append(c.note()).append("; ");
        }
        boolean counted = this == ACKNOWLEDGED || this == REPLAYED;
        long allowed = this == AT_LEAST_ONCE ? (long) Math.max(1, faults) * recordsPerPoll : 0;
        if (!counted && c.duplicates() > allowed) {
            why.append(c.duplicates()).append(" duplicates (promise: at most ").append(allowed).append("); ");
        }
        return why.isEmpty() ? null : why.substring(0, why.length() - 2);
    }
}
