package io.kafkaflows.http;

import io.kafkaflows.config.PortCheck;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Refuses to start when the API port ({@code camel.server.port}) or the management port
 * ({@code camel.management.port}) is taken. Camel would only log a WARN and run on without that server.
 */
public final class HttpPortsMainListener extends MainListenerSupport {

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent pc = main.getCamelContext().getPropertiesComponent();
        check(pc, "camel.server", "8080", "CAMEL_SERVER_PORT");
        check(pc, "camel.management", "9876", "CAMEL_MANAGEMENT_PORT");
    }

    private static void check(PropertiesComponent pc, String prefix, String defaultPort, String env) {
        if (Boolean.parseBoolean(pc.resolveProperty(prefix + ".enabled").orElse("false"))) {
            PortCheck.requireFree(prefix + ".port", pc.resolveProperty(prefix + ".host").orElse("0.0.0.0"),
                    Integer.parseInt(pc.resolveProperty(prefix + ".port").orElse(defaultPort)),
                    "set " + prefix + ".port (" + env + ") to a free one");
        }
    }
}
