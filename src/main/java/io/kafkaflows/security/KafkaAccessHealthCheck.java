package io.kafkaflows.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN, naming each route and what Kafka refused, once a flow was stopped because the cluster denied it access (a
 * missing ACL on a topic, group or transactional id): it cannot fix itself. UP otherwise. Shown on /observe/health.
 */
public final class KafkaAccessHealthCheck extends AbstractHealthCheck {

    private final Map<String, String> deniedRoutes = new ConcurrentHashMap<>();

    public KafkaAccessHealthCheck() {
        super("kafka-flows", "kafka-access");
    }

    /** Records the denial; true the first time for this route (the caller then logs and stops it). */
    boolean denied(String routeId, String reason) {
        return deniedRoutes.putIfAbsent(routeId, reason) == null;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (deniedRoutes.isEmpty()) {
            builder.up();
        } else {
            builder.message("flows stopped, Kafka denied access: " + deniedRoutes).down();
        }
    }
}
