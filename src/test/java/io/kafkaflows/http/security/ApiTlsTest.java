package io.kafkaflows.http.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.kafkaflows.broker.BrokerSecurity;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The API port on TLS (camel.ssl.*, a keytool-made test certificate) asking for client certificates: a client whose
 * certificate the truststore trusts is the principal of its CN (admin by flows.http.principals); a client without
 * one may still use basic auth over TLS, or gets 401 without it; a certificate the truststore does not know fails
 * the handshake; plain http to the port is refused. The management port stays plain HTTP on loopback.
 */
class ApiTlsTest extends KafkaTestSupport {

    @Test
    void apiOverHttpsWithClientCertificates() throws Exception {
        Path dir = Files.createTempDirectory("api-tls");
        BrokerSecurity tls = BrokerSecurity.selfSigned(dir.resolve("ours"), "unused", Map.of());
        BrokerSecurity stranger = BrokerSecurity.selfSigned(dir.resolve("stranger"), "unused", Map.of());
        String vicPassword = "pw-" + unique("vic");
        Path users = Files.writeString(dir.resolve("users.properties"), "user.vic=" + vicPassword + ",viewer\n");
        Properties props = appProperties();
        props.setProperty("camel.ssl.enabled", "true");
        props.setProperty("camel.ssl.key-store", "file:" + tls.serverKeystore());
        props.setProperty("camel.ssl.keystore-password", tls.storePassword());
        props.setProperty("camel.ssl.key-store-type", "PKCS12");
        props.setProperty("camel.ssl.trust-store", "file:" + tls.truststore());
        props.setProperty("camel.ssl.trust-store-password", tls.storePassword());
        props.setProperty("camel.ssl.client-authentication", "WANT");
        props.setProperty("flows.http.auth.client-certificates", "true");
        props.setProperty("flows.http.auth.users-file", users.toString());
        props.setProperty("flows.http.principals.kafka-flows-client.roles", "admin");

        try (LogCapture audit = LogCapture.of(ApiAuditLog.LOGGER); InProcessApp app = InProcessApp.start(props)) {
            String port = app.property("camel.server.port");
            URI topics = URI.create("https://localhost:" + port + "/api/topics");
            URI missing = URI.create("https://localhost:" + port + "/api/topics/" + unique("no-such-topic"));

            HttpClient withCertificate = client(tls, tls);
            assertEquals(200, send(withCertificate, HttpRequest.newBuilder(topics).GET()).statusCode());
            // admin by its certificate's CN: the delete passes the checks and reaches Kafka (404: no such topic)
            HttpResponse<String> deleted = send(withCertificate, HttpRequest.newBuilder(missing).DELETE());
            assertEquals(404, deleted.statusCode(), deleted.body());
            // the audit line follows the answer
            await().atMost(Duration.ofSeconds(10)).until(() -> audit.lines().stream().anyMatch(l -> l.contains(
                    "\"principal\":\"kafka-flows-client\"") && l.contains("\"auth\":\"client-certificate\"")
                    && l.contains("\"status\":404")));

            HttpClient noCertificate = client(tls, null);
            assertEquals(401, send(noCertificate, HttpRequest.newBuilder(topics).GET()).statusCode());
            String vic = "Basic " + Base64.getEncoder().encodeToString(("vic:" + vicPassword).getBytes(StandardCharsets.UTF_8));
            assertEquals(200, send(noCertificate, HttpRequest.newBuilder(topics).header("Authorization", vic).GET()).statusCode());
            assertEquals(403, send(noCertificate, HttpRequest.newBuilder(missing).header("Authorization", vic).DELETE()).statusCode());

            HttpClient untrusted = client(tls, stranger);
            assertThrows(IOException.class, () -> untrusted.send(HttpRequest.newBuilder(topics).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/topics")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals(200, app.get(app.property("camel.management.port"), "/observe/health").statusCode());
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client trusting {@code tls}'s truststore, presenting the client certificate of {@code keys} (null: none). */
    private static HttpClient client(BrokerSecurity tls, BrokerSecurity keys) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(tls.truststore(), tls.storePassword().toCharArray()));
        KeyManagerFactory keyManagers = null;
        if (keys != null) {
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(load(keys.clientKeystore(), keys.storePassword().toCharArray()), keys.storePassword().toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }
}
