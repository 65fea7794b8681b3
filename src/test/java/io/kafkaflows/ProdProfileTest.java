package io.kafkaflows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * camel.main.profile=prod layers application-prod.properties over application.properties: the guide's production
 * settings reach the Kafka component and the demo generator stays off; the default profile has the demo on.
 */
class ProdProfileTest extends KafkaTestSupport {

    @Test
    void prodProfileCarriesTheGuidesProductionSettings() throws Exception {
        Properties props = appProperties();
        props.remove("flows.demo.enabled");
        props.setProperty("camel.main.profile", "prod");
        // the profile refuses to start without HTTP authentication (ApiSecureDefaultsTest)
        Path users = Files.writeString(Files.createTempDirectory("prod-profile").resolve("users.properties"), "user.ops=pw,admin\n");
        props.setProperty("flows.http.auth.users-file", users.toString());
        try (InProcessApp app = InProcessApp.start(props)) {
            KafkaConfiguration kafka = app.context().getComponent("kafka", KafkaComponent.class).getConfiguration();
            assertEquals(100, kafka.getMaxPollRecords());
            assertEquals(600000, kafka.getMaxPollIntervalMs());
            assertFalse(kafka.isAutoCommitEnable());
            assertEquals("all", kafka.getRequestRequiredAcks());
            assertEquals(true, kafka.isEnableIdempotence());
            assertEquals("Stopped", app.context().getRouteController().getRouteStatus("demo-generator").name());
            assertEquals(401, app.get(app.property("camel.server.port"), "/api/topics").statusCode());
        }
    }

    @Test
    void defaultProfileRunsTheDemo() {
        Properties props = appProperties();
        props.remove("flows.demo.enabled");
        try (InProcessApp app = InProcessApp.start(props)) {
            assertEquals("Started", app.context().getRouteController().getRouteStatus("demo-generator").name());
            assertEquals(500, app.context().getComponent("kafka", KafkaComponent.class).getConfiguration().getMaxPollRecords());
        }
    }
}
