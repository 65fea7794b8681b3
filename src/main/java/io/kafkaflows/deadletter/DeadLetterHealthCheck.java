package io.kafkaflows.deadletter;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN, with the reason, while dead-letter writes fail (topic missing, not authorized, broker down): the flows then
 * stop committing and re-read the failed record until a write succeeds. UP otherwise. Shown on /observe/health.
 */
public final class DeadLetterHealthCheck extends AbstractHealthCheck {

    private volatile String failure;

    public DeadLetterHealthCheck() {
        this("dead-letter");
    }

    public DeadLetterHealthCheck(String id) {
        super("kafka-flows", id);
    }

    void writeFailed(String topic, Throwable cause) {
        failure = "dead-letter topic " + topic + " is not writable: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    void writeSucceeded() {
        failure = null;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String current = failure;
        if (current == null) {
            builder.up();
        } else {
            builder.message(current).down();
        }
    }
}
