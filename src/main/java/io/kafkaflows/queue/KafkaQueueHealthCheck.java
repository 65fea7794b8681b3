package io.kafkaflows.queue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN, with the reason, while a consumer of a {@code kafka-queue:} route cannot poll its share group (the group id
 * belongs to a consumer group, share groups are off on the cluster, not authorized, ...); UP again once every
 * consumer of the route polled since its last failure.
 */
public final class KafkaQueueHealthCheck extends AbstractHealthCheck {

    private final String groupId;
    private final String topic;
    private final Map<Integer, String> failing = new ConcurrentHashMap<>();

    KafkaQueueHealthCheck(String routeId, String groupId, String topic) {
        super("kafka-flows", "kafka-queue-" + routeId);
        this.groupId = groupId;
        this.topic = topic;
    }

    void polled(int consumer) {
        failing.remove(consumer);
    }

    void failed(int consumer, Throwable failure) {
        failing.put(consumer, failure.toString());
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("group.id", groupId).detail("topic", topic);
        if (failing.isEmpty()) {
            builder.up();
        } else {
            builder.message("share group " + groupId + " on " + topic + ": consumers failing " + new TreeMap<>(failing))
                    .down();
        }
    }
}
