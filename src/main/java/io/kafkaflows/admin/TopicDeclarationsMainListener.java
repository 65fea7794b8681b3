package io.kafkaflows.admin;

import io.kafkaflows.config.DeclaredProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link TopicDeclarations} of {@code flows.topics.*} once configured and before any route starts, so
 * flows never run on auto-created topics. Kafka unreachable: logged, start-up goes on (the routes retry).
 */
public final class TopicDeclarationsMainListener extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(TopicDeclarationsMainListener.class);

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent pc = context.getPropertiesComponent();
        var declarations = TopicDeclarations.parse(DeclaredProperties.resolved(pc, TopicDeclarations.PREFIX));
        boolean apply = "apply".equalsIgnoreCase(pc.resolveProperty("flows.topics.reconcile").orElse("report"));
        long timeoutMs = Long.parseLong(pc.resolveProperty("flows.topics.timeout-ms").orElse("10000"));
        try {
            SharedKafkaAdmin admin = context.getRegistry().lookupByNameAndType(SharedKafkaAdmin.BEAN_NAME, SharedKafkaAdmin.class);
            TopicDeclarations.reconcile(admin.admin(), declarations, apply, timeoutMs);
        } catch (Exception e) {
            LOG.error("Declared topics (flows.topics.*) not reconciled: {}", e.toString());
        }
    }
}
