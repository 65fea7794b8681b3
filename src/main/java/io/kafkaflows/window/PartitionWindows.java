package io.kafkaflows.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The open windows of one input partition and its stream time (the largest record timestamp seen on it). For each
 * record, {@link #plan} advances the stream time and returns what the aggregate EIP must do: contribute the value to
 * the record's open windows (merging sessions it bridges), then close every window whose close time has come. A
 * record all of whose windows are closed is late: no step, nothing changes. Mirrors the repository's groups, which
 * {@link #register} reloads after a restore.
 */
public final class PartitionWindows {

    /** What one record does: the steps, or why it is late (then no steps). */
    public record Plan(List<WindowOp> ops, String lateReason) {
    }

    private record Open(String group, long start, long end) {
    }

    private record Closing(long closeAt, String group) implements Comparable<Closing> {
        @Override
        public int compareTo(Closing o) {
            int byTime = Long.compare(closeAt, o.closeAt);
            return byTime != 0 ? byTime : group.compareTo(o.group);
        }
    }

    private final WindowDefinition windows;
    private final int partition;
    private long streamTime;
    private final TreeSet<Closing> closing = new TreeSet<>();
    private final Map<String, Open> open = new HashMap<>();
    /** Sessions by key, by start (a key's sessions never overlap). */
    private final Map<String, NavigableMap<Long, Open>> sessions = new HashMap<>();

    public PartitionWindows(WindowDefinition windows, int partition, long streamTime) {
        this.windows = windows;
        this.partition = partition;
        this.streamTime = streamTime;
    }

    public long streamTime() {
        return streamTime;
    }

    public int openWindows() {
        return open.size();
    }

    /** Re-adds a window group found in the repository. */
    public void register(String group, WindowAggregate state) {
        track(new Open(group, state.getStart(), state.getEnd()), state.getKey());
    }

    /**
     * Plans one record of key {@code key} (base64) at {@code timestamp} with {@code value}; {@code stateOf} reads a
     * session's aggregate when the record merges it into another.
     */
    public Plan plan(String key, long timestamp, double value, Function<String, WindowAggregate> stateOf) {
        long newStreamTime = Math.max(streamTime, timestamp);
        List<WindowOp> ops = windows.isSession()
                ? planSession(key, timestamp, value, newStreamTime, stateOf)
                : planTimeWindows(key, timestamp, value, newStreamTime);
        if (ops.isEmpty()) {
            return new Plan(List.of(), "every window of timestamp " + timestamp + " closed: stream time " + newStreamTime
                    + " of partition " + partition + ", grace " + windows.graceMs() + " ms");
        }
        streamTime = newStreamTime;
        while (!closing.isEmpty() && closing.first().closeAt() <= streamTime) {
            Closing due = closing.pollFirst();
            untrack(open.get(due.group()), null);
            ops.add(WindowOp.close(due.group()));
        }
        return new Plan(ops, null);
    }

    /**
     * Idle close (a departure from Kafka Streams): closes every open window now, and moves stream time to the
     * latest close time among them, so a record arriving later for one of them is late rather than counted twice.
     */
    public List<WindowOp> closeAll() {
        List<WindowOp> ops = new ArrayList<>();
        while (!closing.isEmpty()) {
            Closing due = closing.pollLast();
            streamTime = Math.max(streamTime, due.closeAt());
            untrack(open.get(due.group()), null);
            ops.add(0, WindowOp.close(due.group()));
        }
        return ops;
    }

    private List<WindowOp> planTimeWindows(String key, long timestamp, double value, long newStreamTime) {
        List<WindowOp> ops = new ArrayList<>();
        for (long start : windows.windowStartsFor(timestamp)) {
            long end = start + windows.sizeMs();
            if (windows.accepts(end, newStreamTime)) {
                String group = partition + ":" + start + ":" + key;
                if (!open.containsKey(group)) {
                    track(new Open(group, start, end), key);
                }
                ops.add(WindowOp.contribute(group, WindowAggregate.ofValue(key, start, end, value)));
            }
        }
        return ops;
    }

    private List<WindowOp> planSession(String key, long timestamp, double value, long newStreamTime,
                                       Function<String, WindowAggregate> stateOf) {
        NavigableMap<Long, Open> byStart = sessions.getOrDefault(key, new TreeMap<>());
        List<Open> bridged = new ArrayList<>();
        for (Open s : byStart.headMap(timestamp + windows.gapMs(), true).descendingMap().values()) {
            if (s.end() < timestamp - windows.gapMs()) {
                break;
            }
            bridged.add(0, s);
        }
        long start = timestamp;
        long end = timestamp;
        for (Open s : bridged) {
            start = Math.min(start, s.start());
            end = Math.max(end, s.end());
        }
        if (!windows.accepts(end, newStreamTime)) {
            return new ArrayList<>();
        }
        List<WindowOp> ops = new ArrayList<>();
        WindowAggregate contribution = WindowAggregate.ofValue(key, start, end, value);
        String target = bridged.isEmpty() ? partition + ":s" + timestamp + ":" + key : bridged.get(0).group();
        for (Open s : bridged) {
            untrack(s, key);
            if (!s.group().equals(target)) {
                contribution.merge(stateOf.apply(s.group()));
                ops.add(WindowOp.merged(s.group()));
            }
        }
        track(new Open(target, start, end), key);
        ops.add(WindowOp.contribute(target, contribution));
        return ops;
    }

    private void track(Open window, String key) {
        open.put(window.group(), window);
        closing.add(new Closing(windows.closeAt(window.end()), window.group()));
        if (windows.isSession()) {
            sessions.computeIfAbsent(key, k -> new TreeMap<>()).put(window.start(), window);
        }
    }

    private void untrack(Open window, String key) {
        open.remove(window.group());
        closing.remove(new Closing(windows.closeAt(window.end()), window.group()));
        if (windows.isSession()) {
            String sessionKey = key != null ? key : window.group().substring(window.group().indexOf(':', window.group().indexOf(':') + 1) + 1);
            NavigableMap<Long, Open> byStart = sessions.get(sessionKey);
            if (byStart != null) {
                byStart.remove(window.start());
                if (byStart.isEmpty()) {
                    sessions.remove(sessionKey);
                }
            }
        }
    }
}
