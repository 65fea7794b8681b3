package io.kafkaflows.admin;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UP while the Kafka cluster answers a describe-cluster request within 5 s; DOWN with the reason otherwise (on a
 * timeout: the address and security protocol tried, the usual suspects). Logs each change between UP and DOWN once.
 */
public final class KafkaBrokerHealthCheck extends AbstractHealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerHealthCheck.class);

    private final SharedKafkaAdmin admin;
    private volatile String lastFailure;

    public KafkaBrokerHealthCheck(SharedKafkaAdmin admin) {
        super("kafka-flows", "kafka-brokers");
        this.admin = admin;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            int nodes = admin.admin().describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            if (lastFailure != null) {
                LOG.info("Kafka brokers reachable again ({} nodes)", nodes);
                lastFailure = null;
            }
            builder.detail("nodes", nodes).up();
        } catch (Exception e) {
            String failure = "Kafka brokers not reachable: " + (e instanceof TimeoutException
                    ? "no answer within 5 s from " + admin.connection() + " (wrong address, brokers down, or a"
                            + " security.protocol that does not match the brokers' listener)"
                    : e.toString());
            if (!failure.equals(lastFailure)) {
                LOG.warn(failure);
                lastFailure = failure;
            }
            builder.message(failure).down();
        }
    }
}
