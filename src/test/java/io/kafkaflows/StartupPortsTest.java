package io.kafkaflows;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Properties;

import io.kafkaflows.config.ConfigurationRefusedException;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A port another process holds refuses the start with one line naming the key and what to change: the API port
 * (Camel alone would log a WARN and run on without its HTTP API), the management port, and the local broker's port
 * (a developer's own Kafka on 9092: the line says how to use it instead).
 */
class StartupPortsTest extends KafkaTestSupport {

    @Test
    void takenPortsRefuseTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            Properties api = appProperties();
            api.setProperty("camel.server.port", Integer.toString(port));
            refused(api, "camel.server.port=" + port + ": the port is already in use", "CAMEL_SERVER_PORT");

            Properties management = appProperties();
            management.setProperty("camel.management.port", Integer.toString(port));
            refused(management, "camel.management.port=" + port + ": the port is already in use", "CAMEL_MANAGEMENT_PORT");

            Properties broker = appProperties();
            broker.remove("camel.component.kafka.brokers");
            broker.setProperty("flows.broker.port", Integer.toString(port));
            broker.setProperty("flows.broker.data-dir", Files.createTempDirectory("taken-port").toString());
            refused(broker, "flows.broker.port=" + port + ": the port is already in use",
                    "camel.component.kafka.brokers=127.0.0.1:" + port);
        }
    }

    private static void refused(Properties props, String start, String hint) {
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> InProcessApp.start(props).close());
        Throwable cause = failed;
        while (cause != null && !(cause instanceof ConfigurationRefusedException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().startsWith(start) && cause.getMessage().contains(hint),
                start + " <- " + failed);
    }
}
