package io.kafkaflows.admin;

import java.time.Duration;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import io.kafkaflows.kafka.KafkaClientProperties;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The app's one Kafka {@link Admin} client, bound as {@code kafkaAdmin}. Built on first use from the Kafka
 * component's own configuration ({@code camel.component.kafka.*}: brokers and security alike), closed when Camel
 * stops. Nothing else in the app creates admin clients.
 */
public final class SharedKafkaAdmin extends ServiceSupport implements CamelContextAware {

    public static final String BEAN_NAME = "kafkaAdmin";

    private CamelContext camelContext;
    private volatile Admin admin;

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(adminProperties());
                }
                current = admin;
            }
        }
        return current;
    }

    /** Where and how the admin client connects, for error messages: bootstrap servers and security protocol. */
    public String connection() {
        Properties props = KafkaClientProperties.admin(camelContext);
        return props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " with security.protocol="
                + props.getProperty(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    }

    private Properties adminProperties() {
        Properties props = KafkaClientProperties.admin(camelContext);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-flows-admin");
        return props;
    }

    @Override
    protected void doStop() {
        Admin current = admin;
        admin = null;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
