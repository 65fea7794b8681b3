package io.kafkaflows.kafka.tx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN, with the reason, once a transactional route was stopped because its producer hit a fatal error (fenced by
 * another instance using the same transactional id, not authorized): it will not fix itself.
 */
public final class KafkaTransactionsHealthCheck extends AbstractHealthCheck {

    private final Map<String, String> stoppedRoutes = new ConcurrentHashMap<>();

    public KafkaTransactionsHealthCheck() {
        super("kafka-flows", "kafka-transactions");
    }

    void routeStopped(String routeId, String reason) {
        stoppedRoutes.put(routeId, reason);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (stoppedRoutes.isEmpty()) {
            builder.up();
        } else {
            builder.message("transactional routes stopped: " + stoppedRoutes).down();
        }
    }
}
