package io.kafkaflows.javaroutes;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RouteBuilder classes under io.kafkaflows run next to the YAML routes, with no registration (docs/editing.md, "Java routes"). */
class JavaRouteDiscoveryTest extends KafkaTestSupport {

    @Test
    void javaRouteBuilderIsDiscovered() {
        try (InProcessApp app = InProcessApp.start(appProperties())) {
            assertEquals("java route got x",
                    app.context().createProducerTemplate().requestBody("direct:java-route-check", "x", String.class));
        }
    }
}
