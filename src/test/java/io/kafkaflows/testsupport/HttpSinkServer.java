package io.kafkaflows.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP endpoint that apps under test use as their sink ({@code flows.consumer.sink=http://...}): records every
 * body it receives. It can hold requests after the first {@code n} ({@link #holdAfter(int)}), so a test knows the
 * app is stuck mid-processing, then let them go ({@link #release()}).
 */
public final class HttpSinkServer implements AutoCloseable {

    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> held = new CopyOnWriteArrayList<>();
    private volatile int holdAfter = Integer.MAX_VALUE;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public HttpSinkServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/events", this::handle);
        server.start();
    }

    public String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    /** From now on, the request after the first {@code n} received ones waits until {@link #release()}. */
    public void holdAfter(int n) {
        gate = new CountDownLatch(1);
        holdAfter = n;
    }

    public void release() {
        holdAfter = Integer.MAX_VALUE;
        gate.countDown();
    }

    public List<String> received() {
        return received;
    }

    /** The bodies of requests held so far (answered 503 once released, so not in {@link #received()}). */
    public List<String> held() {
        return held;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (received.size() >= holdAfter) {
            held.add(body);
            try {
                gate.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        received.add(body);
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
