package io.kafkaflows.deadletter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The redelivery time one record can take: exponential delays, each capped at max-delay. */
class RetryBudgetRoutePolicyTest {

    @Test
    void sumsCappedExponentialDelays() {
        RetryBudgetRoutePolicy policy = new RetryBudgetRoutePolicy();
        assertEquals(200 + 400 + 800, policy.retryBudgetMs(), "defaults: 3 redeliveries from 200 ms, x2");
        policy.setMaxRedeliveries(5);
        policy.setInitialDelay(500);
        policy.setMultiplier(3);
        policy.setMaxDelay(2000);
        assertEquals(500 + 1500 + 2000 + 2000 + 2000, policy.retryBudgetMs());
        policy.setMaxRedeliveries(0);
        assertEquals(0, policy.retryBudgetMs());
    }
}
