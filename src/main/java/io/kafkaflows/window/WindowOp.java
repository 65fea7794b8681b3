package io.kafkaflows.window;

/**
 * One step the aggregate EIP applies to one window group (correlation key {@code group}): add a contribution,
 * close the window (emit it), or drop it because its session was merged into another one.
 */
public record WindowOp(Kind kind, String group, WindowAggregate contribution) {

    public enum Kind { CONTRIBUTE, CLOSE, MERGED }

    public static WindowOp contribute(String group, WindowAggregate contribution) {
        return new WindowOp(Kind.CONTRIBUTE, group, contribution);
    }

    public static WindowOp close(String group) {
        return new WindowOp(Kind.CLOSE, group, null);
    }

    public static WindowOp merged(String group) {
        return new WindowOp(Kind.MERGED, group, null);
    }
}
