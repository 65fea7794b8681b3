package io.kafkaflows.admin;

import java.util.Properties;

import io.kafkaflows.config.DeclaredProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link AclDeclarations} of {@code flows.acls.*} once configured, after the declared topics and before
 * any route starts. An invalid declaration stops the start-up; none declared: no admin call at all. A cluster
 * without authorizer, or Kafka unreachable: logged as an ERROR, start-up goes on.
 */
public final class AclDeclarationsMainListener extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AclDeclarationsMainListener.class);

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent pc = context.getPropertiesComponent();
        // placeholders such as {{flows.eos.input-topic}} resolved, -D declarations included
        Properties resolved = DeclaredProperties.resolved(pc, AclDeclarations.PREFIX);
        AclDeclarations.Reconcile mode = AclDeclarations.Reconcile.of(resolved.getProperty(AclDeclarations.RECONCILE));
        var declarations = AclDeclarations.parse(resolved);
        if (declarations.isEmpty()) {
            return;
        }
        int bindings = AclDeclarations.bindings(declarations).size();
        if (mode == AclDeclarations.Reconcile.OFF) {
            LOG.info("{} declared ACL bindings not reconciled ({}=off)", bindings, AclDeclarations.RECONCILE);
            return;
        }
        long timeoutMs = Long.parseLong(resolved.getProperty(AclDeclarations.TIMEOUT, "10000"));
        try {
            SharedKafkaAdmin admin = context.getRegistry().lookupByNameAndType(SharedKafkaAdmin.BEAN_NAME, SharedKafkaAdmin.class);
            AclDeclarations.reconcile(admin.admin(), declarations, mode, timeoutMs);
        } catch (Exception e) {
            if (noAuthorizer(e)) {
                LOG.error("ACLs declared but the cluster has no authorizer (authorizer.class.name is not set on the"
                        + " brokers): {} declared bindings ({}*) not applied", bindings, AclDeclarations.PREFIX);
                AclDeclarations.bindings(declarations).forEach(b ->
                        LOG.warn("Declared ACL not applied (no authorizer): {}", AclBindingParser.describe(b)));
            } else {
                LOG.error("Declared ACLs ({}*) not reconciled: {}", AclDeclarations.PREFIX, e.toString());
            }
        }
    }

    static boolean noAuthorizer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SecurityDisabledException) {
                return true;
            }
        }
        return false;
    }
}
