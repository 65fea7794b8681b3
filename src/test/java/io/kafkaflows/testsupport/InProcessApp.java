package io.kafkaflows.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.kafkaflows.KafkaFlowsApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * The real application (same Main, properties files and routes as {@code java -jar}) running inside the test JVM,
 * with test overrides. Started by {@link #start(Properties)}, which returns once the app is fully up; closed at
 * the end of the test.
 */
public final class InProcessApp implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Main main;
    private final Thread thread;
    private final Properties props;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private InProcessApp(Main main, Thread thread, Properties props) {
        this.main = main;
        this.thread = thread;
        this.props = props;
    }

    public static InProcessApp start(Properties overrides) {
        Main main = KafkaFlowsApplication.create(overrides);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                started.countDown();
            }
        });
        Thread thread = new Thread(() -> {
            try {
                main.run();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                started.countDown();
            }
        }, "app-under-test");
        thread.start();
        try {
            if (!started.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                main.completed();
                throw new IllegalStateException("app did not start within " + START_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("app failed to start: " + failure.get(), failure.get());
        }
        return new InProcessApp(main, thread, overrides);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public String property(String key) {
        return context().getPropertiesComponent().resolveProperty(key).orElseThrow();
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(property("camel.server.port"), path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> get(String port, String path) {
        return send(HttpRequest.newBuilder(uri(port, path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        main.completed();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("app did not stop within 60 s");
        }
    }
}
