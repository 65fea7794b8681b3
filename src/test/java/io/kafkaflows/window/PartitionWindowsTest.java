package io.kafkaflows.window;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The window planner alone: which windows a record joins, when windows close, what is late, how sessions merge. */
class PartitionWindowsTest {

    private final Map<String, WindowAggregate> state = new HashMap<>();

    /** Applies the plan to a map as the aggregate EIP would, returning the windows closed (emitted). */
    private List<String> apply(PartitionWindows windows, String key, long ts) {
        PartitionWindows.Plan plan = windows.plan(key, ts, 1, state::get);
        if (plan.lateReason() != null) {
            return null;
        }
        List<String> closed = new java.util.ArrayList<>();
        for (WindowOp op : plan.ops()) {
            switch (op.kind()) {
                case CONTRIBUTE -> state.merge(op.group(), op.contribution(), (a, b) -> a.merge(b));
                case MERGED -> state.remove(op.group());
                case CLOSE -> {
                    WindowAggregate w = state.remove(op.group());
                    closed.add(w.getStart() + "-" + w.getEnd() + "x" + w.getCount());
                }
            }
        }
        return closed;
    }

    @Test
    void tumblingWindowClosesAtEndPlusGraceAndLateRecordsAreRefused() {
        PartitionWindows w = new PartitionWindows(new WindowDefinition(WindowDefinition.Type.TUMBLING, 10, 10, 0, 2), 0, -1);
        assertEquals(List.of(), apply(w, "a", 1));
        assertEquals(List.of(), apply(w, "a", 5));
        assertEquals(List.of(), apply(w, "a", 11));
        // stream time 11 < 10 + 2: [0,10) still open, accepts an out-of-order record
        assertEquals(List.of(), apply(w, "a", 9));
        assertEquals(List.of("0-10x3"), apply(w, "b", 12));
        assertNull(apply(w, "a", 3), "all windows of t=3 closed: late");
        assertEquals(12, w.streamTime());
    }

    @Test
    void hoppingRecordJoinsEveryWindowThatContainsIt() {
        WindowDefinition d = new WindowDefinition(WindowDefinition.Type.HOPPING, 10, 5, 0, 0);
        assertEquals(List.of(0L, 5L), d.windowStartsFor(7));
        assertEquals(List.of(0L), d.windowStartsFor(3));
        PartitionWindows w = new PartitionWindows(d, 0, -1);
        apply(w, "a", 7);
        assertEquals(List.of("0-10x1"), apply(w, "a", 10));
        assertEquals(List.of("5-15x2"), apply(w, "a", 15));
    }

    @Test
    void sessionsMergeWhenARecordBridgesThem() {
        PartitionWindows w = new PartitionWindows(new WindowDefinition(WindowDefinition.Type.SESSION, 0, 0, 5, 10), 0, -1);
        apply(w, "a", 10);
        apply(w, "a", 20);
        assertEquals(2, w.openWindows());
        apply(w, "a", 15);
        assertEquals(1, w.openWindows());
        WindowAggregate merged = state.values().iterator().next();
        assertEquals(10, merged.getStart());
        assertEquals(20, merged.getEnd());
        assertEquals(3, merged.getCount());
        // closes when stream time >= end + gap + grace (20 + 5 + 10)
        assertEquals(List.of(), apply(w, "b", 34));
        assertEquals(List.of("10-20x3"), apply(w, "b", 35));
        // a session whose end is before stream time - grace - gap is late
        assertNull(apply(w, "c", 19));
        assertNotNull(apply(w, "c", 20));
    }
}
