package io.kafkaflows.window;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A window definition with Kafka Streams' semantics: tumbling and hopping windows are {@code [start, start+size)}
 * with starts at multiples of {@code advance} (= size for tumbling), like {@code TimeWindows.ofSizeAndGrace};
 * session windows span the first to the last record of a key with gaps of at most {@code gap}, end inclusive, like
 * {@code SessionWindows.ofInactivityGapAndGrace}. A window is emitted once, when the stream time reaches
 * {@link #closeAt}; a record is late when every window it falls in would already be closed.
 */
public record WindowDefinition(Type type, long sizeMs, long advanceMs, long gapMs, long graceMs) {

    public enum Type { TUMBLING, HOPPING, SESSION }

    public WindowDefinition {
        if (type == Type.SESSION ? gapMs <= 0 : sizeMs <= 0 || advanceMs <= 0 || advanceMs > sizeMs) {
            throw new IllegalArgumentException("invalid window definition " + type + ": size=" + sizeMs + "ms advance="
                    + advanceMs + "ms gap=" + gapMs + "ms (needs size > 0, 0 < advance <= size; gap > 0 for sessions)");
        }
        if (graceMs < 0) {
            throw new IllegalArgumentException("window grace must not be negative: " + graceMs + "ms");
        }
    }

    /** From the flow's properties: type tumbling|hopping|session and ISO-8601 durations (PT1M); blanks unused. */
    public static WindowDefinition parse(String type, String size, String advance, String gap, String grace) {
        Type t;
        try {
            t = Type.valueOf(type.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("flows.window.type must be tumbling, hopping or session, not '" + type + "'");
        }
        long sizeMs = t == Type.SESSION ? 0 : millis("flows.window.size", size);
        long advanceMs = t == Type.HOPPING ? millis("flows.window.advance", advance) : sizeMs;
        long gapMs = t == Type.SESSION ? millis("flows.window.gap", gap) : 0;
        return new WindowDefinition(t, sizeMs, advanceMs, gapMs, millis("flows.window.grace", grace));
    }

    private static long millis(String name, String iso) {
        try {
            return Duration.parse(iso.trim()).toMillis();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT1M, not '" + iso + "'");
        }
    }

    public boolean isSession() {
        return type == Type.SESSION;
    }

    /** Starts of the time windows containing {@code timestamp}, ascending (as Kafka Streams' windowsFor). */
    public List<Long> windowStartsFor(long timestamp) {
        List<Long> starts = new ArrayList<>();
        long start = Math.max(0, timestamp - sizeMs + advanceMs) / advanceMs * advanceMs;
        for (; start <= timestamp; start += advanceMs) {
            starts.add(start);
        }
        return starts;
    }

    /** The stream time at which a window with this end is closed and emitted. */
    public long closeAt(long windowEnd) {
        return isSession() ? windowEnd + gapMs + graceMs : windowEnd + graceMs;
    }

    /** Whether a window with this end still accepts records at this stream time. */
    public boolean accepts(long windowEnd, long streamTime) {
        return isSession() ? windowEnd >= streamTime - graceMs - gapMs : windowEnd > streamTime - graceMs;
    }
}
