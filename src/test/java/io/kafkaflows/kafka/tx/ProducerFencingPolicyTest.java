package io.kafkaflows.kafka.tx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fencing budget: up to three replacements per route within the window, counted per route, forgotten after it. */
class ProducerFencingPolicyTest {

    private long now;
    private final ProducerFencingPolicy policy = new ProducerFencingPolicy(3, 60_000, () -> now);

    @Test
    void replacesUpToTheLimitWithinTheWindowThenRefuses() {
        assertTrue(policy.replaceAfterFencing("r"));
        now += 10_000;
        assertTrue(policy.replaceAfterFencing("r"));
        now += 10_000;
        assertTrue(policy.replaceAfterFencing("r"));
        now += 10_000;
        assertFalse(policy.replaceAfterFencing("r"), "a fourth fencing within 60 s: another holder of the id");
        assertTrue(policy.replaceAfterFencing("other"), "counted per route");
    }

    @Test
    void fencingsOlderThanTheWindowAreForgotten() {
        for (int i = 0; i < 10; i++) {
            assertTrue(policy.replaceAfterFencing("r"), "one fencing every 30 s: at most two in any 60 s");
            now += 30_000;
        }
    }
}
