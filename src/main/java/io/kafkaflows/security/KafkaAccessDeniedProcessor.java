package io.kafkaflows.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.kafkaflows.HealthChecks;
import io.kafkaflows.kafka.RouteStopper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared route configurations' handler for Kafka refusing a flow (bean {@code kafkaAccessDeniedProcessor}).
 * Authorization (a missing ACL on a topic, group or transactional id): retrying cannot help, so the route is stopped
 * with one ERROR line naming what was refused, and {@link KafkaAccessHealthCheck} goes DOWN. Authentication (bad
 * credentials, untrusted certificate): one ERROR line per route and minute; the Kafka clients keep reconnecting
 * with their backoff and the broker health check is DOWN meanwhile. Either way the exchange stays failed: nothing is
 * dead-lettered or committed.
 */
public final class KafkaAccessDeniedProcessor extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessDeniedProcessor.class);
    private static final long AUTHENTICATION_LOG_INTERVAL_MS = 60_000;

    private final KafkaAccessHealthCheck health = new KafkaAccessHealthCheck();
    private final Map<String, Long> lastAuthenticationLog = new ConcurrentHashMap<>();
    private CamelContext camelContext;

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String routeId = exchange.getFromRouteId();
        AuthorizationException denied = ObjectHelper.getException(AuthorizationException.class, caught);
        if (denied != null) {
            String reason = denied.getClass().getSimpleName() + ": " + denied.getMessage();
            if (health.denied(routeId, reason)) {
                LOG.error("Kafka denied route {} access ({}). Stopping the route: nothing of the failed records is"
                        + " committed. Grant the principal the ACLs the flow needs (docs/deployment.md, \"The ACLs each flow needs\") and restart.",
                        routeId, reason);
                RouteStopper.stopLater(camelContext, routeId);
            }
            return;
        }
        AuthenticationException failed = ObjectHelper.getException(AuthenticationException.class, caught);
        long now = System.currentTimeMillis();
        Long last = lastAuthenticationLog.get(routeId);
        if (last == null || now - last >= AUTHENTICATION_LOG_INTERVAL_MS) {
            lastAuthenticationLog.put(routeId, now);
            LOG.error("Kafka refused route {} at authentication ({}). Check camel.component.kafka.security-protocol,"
                    + " sasl-mechanism, sasl-jaas-config and the truststore; the clients retry with their reconnect"
                    + " backoff, nothing is committed meanwhile.", routeId, failed != null ? failed.toString() : String.valueOf(caught));
        }
    }

    @Override
    protected void doStart() {
        HealthChecks.replace(camelContext, health);
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
