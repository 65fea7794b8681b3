package io.kafkaflows.admin;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Binds the app's one {@link SharedKafkaAdmin} as {@code kafkaAdmin} before routes are loaded, so route files can
 * refer to it ({@code "#kafkaAdmin"}), and ties it to the Camel context's life (closed on stop). Registers the
 * {@link KafkaBrokerHealthCheck} that uses it.
 */
public final class SharedAdminMainListener extends MainListenerSupport {

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        SharedKafkaAdmin admin = new SharedKafkaAdmin();
        try {
            context.addService(admin, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Could not register the shared Kafka admin client", e);
        }
        context.getRegistry().bind(SharedKafkaAdmin.BEAN_NAME, admin);
        HealthCheckHelper.getHealthCheckRegistry(context).register(new KafkaBrokerHealthCheck(admin));
    }
}
