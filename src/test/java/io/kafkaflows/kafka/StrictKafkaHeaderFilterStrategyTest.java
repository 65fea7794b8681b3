package io.kafkaflows.kafka;

import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Camel-internal headers are kept out of Kafka and out of the exchange in any spelling; others pass. */
class StrictKafkaHeaderFilterStrategyTest {

    private final StrictKafkaHeaderFilterStrategy strategy = new StrictKafkaHeaderFilterStrategy();

    @Test
    void filtersCamelHeadersInAnyCase() {
        assertTrue(strategy.applyFilterToExternalHeaders(KafkaConstants.OVERRIDE_TOPIC, "x", null));
        assertTrue(strategy.applyFilterToExternalHeaders(KafkaConstants.OVERRIDE_TOPIC.toUpperCase(), "x", null));
        assertTrue(strategy.applyFilterToExternalHeaders("KAFKA.partition", "1", null));
        assertTrue(strategy.applyFilterToCamelHeaders(KafkaConstants.KEY, "k", null));
        assertFalse(strategy.applyFilterToExternalHeaders("trace-id", "abc", null));
        assertFalse(strategy.applyFilterToCamelHeaders("trace-id", "abc", null));
    }
}
