package io.kafkaflows.admin;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** UP while the Kafka cluster answers a describe-cluster request within 5 s; DOWN with the reason otherwise. */
public final class KafkaBrokerHealthCheck extends AbstractHealthCheck {

    private final SharedKafkaAdmin admin;

    public KafkaBrokerHealthCheck(SharedKafkaAdmin admin) {
        super("kafka-flows", "kafka-brokers");
        this.admin = admin;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            int nodes = admin.admin().describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            builder.detail("nodes", nodes).up();
        } catch (Exception e) {
            builder.message("Kafka brokers not reachable: " + e).down();
        }
    }
}
