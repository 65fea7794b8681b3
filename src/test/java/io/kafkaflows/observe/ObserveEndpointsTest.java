package io.kafkaflows.observe;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Camel's management server answers /observe/health and /observe/metrics (Prometheus text) with the
 * camel-micrometer 4.18.0 modules mixed into the 4.22 app, and route metrics count real exchanges.
 */
class ObserveEndpointsTest extends KafkaTestSupport {

    @Test
    void healthAndPrometheusMetricsAnswer() {
        try (InProcessApp app = InProcessApp.start(appProperties())) {
            String management = app.property("camel.management.port");
            String topic = createTopic(unique("observe"), 1);
            for (int i = 0; i < 3; i++) {
                assertEquals(200, app.post("/api/topics/" + topic + "/records", "application/json", "{\"value\":" + i + "}").statusCode());
            }

            HttpResponse<String> health = app.get(management, "/observe/health");
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"UP\""), health.body());

            HttpResponse<String> metrics = app.get(management, "/observe/metrics");
            assertEquals(200, metrics.statusCode());
            Matcher m = Pattern.compile("camel_exchanges_total\\{[^}]*routeId=\"producer-http-ingress\"[^}]*} (\\d+)")
                    .matcher(metrics.body());
            assertTrue(m.find(), "route metric missing:\n" + metrics.body());
            assertTrue(Double.parseDouble(m.group(1)) >= 3, m.group());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM binder metrics missing");
        }
    }
}
