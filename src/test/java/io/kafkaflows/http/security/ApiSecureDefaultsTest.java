package io.kafkaflows.http.security;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import io.kafkaflows.config.ConfigurationRefusedException;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secure defaults of the API port. With nothing configured the app starts, listens on 127.0.0.1 only (not reachable
 * on this host's other addresses) and says so in one WARN; every local caller is admin+producer, so the demo stays
 * one command. Start-up is refused, with one line naming the key, for: a non-loopback address without
 * authentication, the prod profile without authentication, a JWT key without issuer and audience, client
 * certificates without TLS, a missing users file, Camel's own authentication switched on. flows.http.allow-anonymous
 * opens a non-loopback address deliberately.
 */
class ApiSecureDefaultsTest extends KafkaTestSupport {

    @Test
    void nothingConfiguredMeansLoopbackOnly() throws Exception {
        try (LogCapture log = LogCapture.of("io.kafkaflows.http.security"); InProcessApp app = InProcessApp.start(appProperties())) {
            int port = Integer.parseInt(app.property("camel.server.port"));
            assertEquals("127.0.0.1", app.context().hasService(MainHttpServer.class).getHost());
            assertEquals(200, app.get(Integer.toString(port), "/api/topics").statusCode(), "local callers need no credentials");
            for (InetAddress address : otherAddresses()) {
                assertThrows(IOException.class, () -> connect(address, port), address + " must not reach the API");
            }
            List<String> warnings = log.lines().stream().filter(l -> l.startsWith("WARN")).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("no authentication") && warnings.get(0).contains("flows.http.auth.users-file"));
        }
    }

    @Test
    void allowAnonymousOpensOtherAddressesDeliberately() throws Exception {
        Properties props = appProperties();
        props.setProperty("camel.server.host", "0.0.0.0");
        props.setProperty("flows.http.allow-anonymous", "true");
        props.setProperty("flows.http.anonymous-roles", "viewer");
        try (LogCapture log = LogCapture.of("io.kafkaflows.http.security"); InProcessApp app = InProcessApp.start(props)) {
            int port = Integer.parseInt(app.property("camel.server.port"));
            for (InetAddress address : otherAddresses()) {
                connect(address, port);
            }
            assertEquals(200, app.get(Integer.toString(port), "/api/topics").statusCode());
            assertEquals(403, app.post("/api/topics", "application/json", "{\"name\":\"" + unique("nope") + "\"}").statusCode());
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains("open to anyone")), log.lines().toString());
        }
    }

    @Test
    void openSettingsAreRefusedWithOneLine() throws Exception {
        Path dir = Files.createTempDirectory("api-defaults");
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n");
        refused("camel.server.host=0.0.0.0 without HTTP authentication", "camel.server.host", "0.0.0.0");
        refused("flows.http.require-authentication=true", "camel.main.profile", "prod");
        refused("flows.http.auth.jwt.issuer and flows.http.auth.jwt.audience are required",
                "flows.http.auth.jwt.public-key-file", pem.toString());
        refused("flows.http.auth.client-certificates=true needs TLS", "flows.http.auth.client-certificates", "true");
        refused("flows.http.auth.users-file=" + dir.resolve("missing") + ": file not readable",
                "flows.http.auth.users-file", dir.resolve("missing").toString());
        refused("camel.server.authentication-enabled=true", "camel.server.authentication-enabled", "true");
        refused("flows.http.principals.bob.rolez: unknown key", "flows.http.principals.bob.rolez", "admin");
        refused("flows.http.anonymous-roles=root: unknown role 'root'", "flows.http.anonymous-roles", "root");
    }

    private static void refused(String message, String... settings) {
        Properties props = appProperties();
        for (int i = 0; i < settings.length; i += 2) {
            props.setProperty(settings[i], settings[i + 1]);
        }
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> InProcessApp.start(props).close());
        Throwable cause = failed;
        while (cause != null && !(cause instanceof ConfigurationRefusedException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().startsWith(message), message + " <- " + failed);
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
        }
    }

    /** This host's IPv4 addresses other than loopback (a container usually has one). */
    private static List<InetAddress> otherAddresses() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .toList();
    }
}
