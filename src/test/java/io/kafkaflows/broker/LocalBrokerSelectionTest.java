package io.kafkaflows.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which Kafka the app uses: with camel.component.kafka.brokers set it starts no broker of its own (even when those
 * brokers are unreachable, where the producer answers 503 within its delivery bounds); unset, it starts a local
 * broker as a child process, serves requests with it, and stops it when the app stops.
 */
class LocalBrokerSelectionTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static long brokerChildren() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(BrokerParentWatchdog.class.getName()))
                .count();
    }

    @Test
    void brokersSetStartsNoLocalBroker() {
        broker();
        long before = brokerChildren();
        try (InProcessApp app = InProcessApp.start(appProperties())) {
            assertEquals(before, brokerChildren(), "no broker process started by the app");
            assertEquals(bootstrapServers(), app.property("camel.component.kafka.brokers"));
        }
    }

    @Test
    void unreachableBrokersAnswer503WithinTheDeliveryBound() throws Exception {
        broker();
        long before = brokerChildren();
        Properties props = appProperties();
        props.setProperty("camel.component.kafka.brokers", "127.0.0.1:" + io.kafkaflows.testsupport.FreePorts.next());
        props.setProperty("camel.component.kafka.max-block-ms", "2000");
        props.setProperty("camel.component.kafka.request-timeout-ms", "2000");
        props.setProperty("camel.component.kafka.delivery-timeout-ms", "3000");
        props.setProperty("camel.main.shutdown-timeout", "3");
        props.setProperty("flows.topics.timeout-ms", "2000");
        try (InProcessApp app = InProcessApp.start(props)) {
            assertEquals(before, brokerChildren(), "no broker process started by the app");
            long start = System.nanoTime();
            HttpResponse<String> response = app.post("/api/topics/nowhere/records", "application/json", "{\"value\":1}");
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertEquals(503, response.statusCode(), response.body());
            assertEquals("kafka_unavailable", JSON.readTree(response.body()).get("error").asText());
            assertTrue(seconds < 15, "answered within the configured bounds, took " + seconds + " s");

            HttpResponse<String> accepted = app.post("/api/topics/nowhere/records?async=true", "application/json", "{\"value\":2}");
            assertEquals(202, accepted.statusCode(), "async answers at once, even with Kafka down");
            ManagedRouteMBean asyncRoute = app.context().getCamelContextExtension()
                    .getContextPlugin(ManagedCamelContext.class).getManagedRoute("producer-async-send");
            // the delivery failure is caught (and logged at ERROR) inside the route: completed, not failed
            await().atMost(Duration.ofSeconds(20)).until(() -> asyncRoute.getExchangesCompleted() == 1);
            assertEquals(0, asyncRoute.getExchangesFailed());
        }
    }

    @Test
    void brokersUnsetStartsAndStopsALocalBroker() throws Exception {
        broker();
        long before = brokerChildren();
        Properties props = appProperties();
        props.remove("camel.component.kafka.brokers");
        props.setProperty("flows.broker.port", "0");
        props.setProperty("flows.broker.data-dir", Path.of("target", "test-kafka", "local-" + UUID.randomUUID()).toString());
        try (InProcessApp app = InProcessApp.start(props)) {
            assertEquals(before + 1, brokerChildren(), "the app started its own broker");
            String brokers = app.property("camel.component.kafka.brokers");
            assertTrue(brokers.startsWith("127.0.0.1:") && !brokers.equals(bootstrapServers()), brokers);
            HttpResponse<String> response = app.post("/api/topics/local-check/records", "application/json", "{\"value\":1}");
            assertEquals(200, response.statusCode(), response.body());
        }
        await().atMost(Duration.ofSeconds(40)).until(() -> brokerChildren() == before);
    }
}
