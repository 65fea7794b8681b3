package io.kafkaflows.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.json.Json;

import static org.awaitility.Awaitility.await;

/**
 * A real tracing backend for tests: Zipkin's server jar (copied to target/zipkin by the build), in memory, as its own
 * JVM on a free port. Apps under test send spans to {@link #spansEndpoint()} with the OpenTelemetry Zipkin exporter;
 * tests read them back through Zipkin's query API.
 */
public final class ZipkinServer implements AutoCloseable {

    private static final Path JAR = Path.of("target", "zipkin", "zipkin-server.jar");

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private ZipkinServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static ZipkinServer start(Path logDir) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " missing: the build copies it (mvn process-test-resources)");
        }
        int port = FreePorts.next();
        Files.createDirectories(logDir);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("zipkin.log").toFile()));
        builder.environment().put("QUERY_PORT", String.valueOf(port));
        builder.environment().put("STORAGE_TYPE", "mem");
        ZipkinServer server = new ZipkinServer(builder.start(), port);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> server.get("/health").path("status").asText().equals("UP"));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public String spansEndpoint() {
        return "http://127.0.0.1:" + port + "/api/v2/spans";
    }

    /** The traces Zipkin holds for a service (Zipkin lower-cases service names), each a list of spans. */
    public List<List<JsonNode>> traces(String serviceName) throws IOException, InterruptedException {
        JsonNode answer = get("/api/v2/traces?limit=1000&lookback=3600000&serviceName=" + serviceName.toLowerCase());
        List<List<JsonNode>> traces = new ArrayList<>();
        answer.forEach(trace -> {
            List<JsonNode> spans = new ArrayList<>();
            trace.forEach(spans::add);
            traces.add(spans);
        });
        return traces;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("Zipkin answered " + response.statusCode() + " to " + path);
        }
        return Json.MAPPER.readTree(response.body());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
