package io.kafkaflows.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.broker.BrokerSecurity;
import io.kafkaflows.testsupport.SecureKafkaApp;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app with camel.main.profile=secure, mutual TLS switched on, the SCRAM password in a mounted secret
 * file (camel.main.file-configurations) and the other secrets in environment variables: it works against the
 * secured broker, its HTTP API refuses anonymous writes (the profile requires authentication; a producer from a
 * mounted users file writes), Camel prints no plain-text-secret warning, and no secret appears in its log
 * (everything at INFO: the Kafka clients' config dumps and Camel's property summary included), its health output or its metrics.
 */
class SecureProfileIT extends KafkaTestSupport {

    @Test
    void secretsFromTheEnvironmentNeverShowUp() throws Exception {
        TestKafka kafka = secureKafka();
        BrokerSecurity security = secureBroker().security();
        String user = unique("app");
        String password = "pw-" + unique("secret");
        createScramUser(user, password);
        String prefix = unique("sec") + ".";
        SecureKafkaApp.grant(kafka.admin(), SecureKafkaApp.allFlows(user, prefix));
        String topic = kafka.createTopic(prefix + "ingress", 1, Map.of());

        Properties props = SecureKafkaApp.underPrefix(appProperties(), prefix);
        props.remove("camel.component.kafka.brokers");
        props.setProperty("camel.main.profile", "secure");
        props.setProperty("log4j2.configurationFile", Path.of("target", "test-classes", "log4j2-verbose.xml").toAbsolutePath().toString());
        Map<String, String> settings = new HashMap<>();
        props.stringPropertyNames().forEach(k -> settings.put(k, props.getProperty(k)));
        // mutual TLS: the profile leaves it commented out; here it is switched on the way its comment says
        settings.put("camel.component.kafka.ssl-keystore-location", "{{kafka.keystore-location}}");
        settings.put("camel.component.kafka.ssl-keystore-password", "{{kafka.keystore-password}}");
        settings.put("camel.component.kafka.ssl-key-password", "{{kafka.key-password}}");
        // the SCRAM password from a mounted secret file, everything else from environment variables
        Path secrets = Files.createDirectories(Path.of("target", "test-secrets", unique("secrets")));
        Files.writeString(secrets.resolve("kafka.properties"), "kafka.password=" + password + "\n");
        // the profile requires HTTP authentication: a producer in a users file mounted next to it
        String apiPassword = "api-" + unique("secret");
        Path users = Files.writeString(secrets.resolve("users.txt"), "user.ingest=" + apiPassword + ",producer\n");
        settings.put("flows.http.principals.ingest.topics", topic);
        Map<String, String> env = new HashMap<>();
        // named, not *.properties: Camel 4.22 fails on a wildcard when the directory holds other files (the users file)
        env.put("CAMEL_MAIN_FILE_CONFIGURATIONS", secrets.toAbsolutePath() + "/kafka.properties");
        env.put("KAFKA_BOOTSTRAP_SERVERS", secureBroker().bootstrapServers());
        env.put("KAFKA_USERNAME", user);
        env.put("KAFKA_TRUSTSTORE_LOCATION", security.truststore().toString());
        env.put("KAFKA_TRUSTSTORE_PASSWORD", security.storePassword());
        env.put("KAFKA_KEYSTORE_LOCATION", security.clientKeystore().toString());
        env.put("KAFKA_KEYSTORE_PASSWORD", security.storePassword());
        env.put("KAFKA_KEY_PASSWORD", security.storePassword());
        env.put("FLOWS_HTTP_AUTH_USERS_FILE", users.toAbsolutePath().toString());

        HttpClient http = HttpClient.newHttpClient();
        try (AppProcess app = AppProcess.start(unique("secure-profile"), settings, env)) {
            app.awaitLog("Apache Camel", Duration.ofSeconds(90));
            String api = "http://127.0.0.1:" + settings.get("camel.server.port");
            String management = "http://127.0.0.1:" + settings.get("camel.management.port");
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                    URI.create(management + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            HttpRequest.Builder record = HttpRequest.newBuilder(URI.create(api + "/api/topics/" + topic + "/records"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"k\",\"value\":{\"n\":1}}"));
            assertEquals(401, http.send(record.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> sent = http.send(record.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("ingest:" + apiPassword).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals(1, kafka.readAll(topic, "read_committed", 1, Duration.ofSeconds(30)).size());

            String health = get(http, management + "/observe/health?data=true");
            String metrics = get(http, management + "/observe/metrics");
            app.stop();
            String log = app.output();
            assertTrue(log.contains("sasl.jaas.config = [hidden]"), "the Kafka clients' config dumps are in the log");
            assertFalse(log.contains("SECURITY WARNING"), "every secret setting is a placeholder");
            for (String secret : new String[] {password, security.storePassword(), apiPassword}) {
                assertFalse(log.contains(secret), "secret in the app's log");
                assertFalse(health.contains(secret), "secret in health output");
                assertFalse(metrics.contains(secret), "secret in metrics");
            }
        }
    }

    private static String get(HttpClient http, String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
