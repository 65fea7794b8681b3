package io.kafkaflows.broker;

import java.util.Map;
import java.nio.file.Path;

import io.kafkaflows.config.PortCheck;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the local Kafka broker before Camel configures the Kafka component, but only when
 * {@code camel.component.kafka.brokers} is not set; then points the component at it. Stops it after Camel stops.
 * Properties: {@code flows.broker.port}, {@code flows.broker.data-dir}, {@code flows.broker.heap},
 * {@code flows.broker.lib-dir} (defaults next to the app jar).
 */
public final class LocalBrokerMainListener extends MainListenerSupport {

    public static final String BROKERS = "camel.component.kafka.brokers";
    private static final Logger LOG = LoggerFactory.getLogger(LocalBrokerMainListener.class);

    private KafkaBrokerLauncher launcher;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent pc = main.getCamelContext().getPropertiesComponent();
        String brokers = pc.resolveProperty(BROKERS).map(String::trim).orElse("");
        if (!brokers.isEmpty()) {
            LOG.info("Using Kafka at {} (no local broker started)", brokers);
            return;
        }
        Path libDir = pc.resolveProperty("flows.broker.lib-dir").map(Path::of).orElseGet(KafkaBrokerLauncher::defaultLibDir);
        Path dataDir = Path.of(pc.resolveProperty("flows.broker.data-dir").orElse("target/kafka-data"));
        int port = Integer.parseInt(pc.resolveProperty("flows.broker.port").orElse("9092"));
        String heap = pc.resolveProperty("flows.broker.heap").orElse("512m");
        PortCheck.requireFree("flows.broker.port", "127.0.0.1", port, "to use the Kafka listening there set "
                + BROKERS + "=127.0.0.1:" + port + ", or move the local broker with flows.broker.port (0: any free port)");
        launcher = new KafkaBrokerLauncher(libDir, dataDir, port, heap, Map.of()).start();
        pc.addOverrideProperty(BROKERS, launcher.bootstrapServers());
        LOG.info("Started local Kafka broker: bootstrap servers {}", launcher.bootstrapServers());
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (launcher != null) {
            LOG.info("Stopping local Kafka broker at {}", launcher.bootstrapServers());
            launcher.stop();
            launcher = null;
        }
    }
}
