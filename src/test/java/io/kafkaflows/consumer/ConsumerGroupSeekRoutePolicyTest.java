package io.kafkaflows.consumer;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flows.consumer.seek values: beginning, end, ISO-8601 instants and offset date-times; anything else is refused. */
class ConsumerGroupSeekRoutePolicyTest {

    @Test
    void parsesSeekValues() {
        assertInstanceOf(OffsetSpec.EarliestSpec.class, ConsumerGroupSeekRoutePolicy.parse("beginning"));
        assertInstanceOf(OffsetSpec.LatestSpec.class, ConsumerGroupSeekRoutePolicy.parse("END"));
        assertInstanceOf(OffsetSpec.TimestampSpec.class, ConsumerGroupSeekRoutePolicy.parse("2026-01-31T10:00:00Z"));
        assertEquals(1769853600000L, ConsumerGroupSeekRoutePolicy.timestampOf("2026-01-31T10:00:00Z"));
        assertEquals(1769853600000L, ConsumerGroupSeekRoutePolicy.timestampOf("2026-01-31T11:00:00+01:00"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConsumerGroupSeekRoutePolicy.parse("yesterday"));
        assertTrue(e.getMessage().contains("flows.consumer.seek"));
    }
}
