package io.kafkaflows.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * An OTLP/HTTP trace endpoint that reads each export, counts it and answers 200 with an empty (valid) response: the
 * app's shipped exporter talks to it as to a collector (TracingTest), and in the bench's tracing pair the app pays its
 * full cost of recording and exporting spans while no backend competes for the cores.
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong exports = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "otlp-receiver");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                bytes.addAndGet(body.readAllBytes().length);
            }
            exports.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The base URL for {@code otel.exporter.otlp.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long exports() {
        return exports.get();
    }

    public String received() {
        return exports.get() + " exports, " + (bytes.get() >> 10) + " KiB";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
