package io.kafkaflows.window;

import io.kafkaflows.json.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A window's remembered traces: absent from the changelog JSON without tracing, bounded and each kept once. */
class WindowAggregateTest {

    @Test
    void untracedWindowsStoreNoTraces() throws Exception {
        WindowAggregate window = WindowAggregate.ofValue("aw==", 0, 1000, 2.5).merge(WindowAggregate.ofValue("aw==", 0, 1000, 1));
        String json = Json.MAPPER.writeValueAsString(window);
        assertFalse(json.contains("traces"), json);
        assertEquals(2, Json.MAPPER.readValue(json, WindowAggregate.class).getCount());
    }

    @Test
    void tracesAreBoundedKeptOnceAndSurviveTheChangelog() throws Exception {
        WindowAggregate window = new WindowAggregate("aw==", 0, 1000);
        for (int i = 0; i < 40; i++) {
            WindowAggregate one = WindowAggregate.ofValue("aw==", 0, 1000, i);
            one.addTrace("00-" + String.format("%032x", i % 20) + "-00f067aa0ba902b7-01");
            window.merge(one);
        }
        assertEquals(WindowAggregate.MAX_TRACES, window.getTraces().size());
        assertEquals(WindowAggregate.MAX_TRACES, window.getTraces().stream().distinct().count());
        WindowAggregate restored = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(window), WindowAggregate.class);
        assertEquals(window.getTraces(), restored.getTraces());
        assertEquals(40, restored.getCount());
    }
}
