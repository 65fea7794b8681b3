package io.kafkaflows.guarantees;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cell's HTTP client of the app instance running now: {@link #instanceStarted} is told each new instance's
 * settings (its port); {@link #post} answers null while no instance answers (down, restarting), as a real client
 * would see it, and the caller sends again.
 */
final class InstanceClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String port;

    void instanceStarted(Map<String, String> settings) {
        port = settings.get("camel.server.port");
    }

    /** The answer of the running instance, or null if none answered (then waits a little before the caller retries). */
    HttpResponse<String> post(String path, String json, Duration timeout) throws InterruptedException {
        String current = port;
        if (current != null) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + current + path))
                        .timeout(timeout).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // not answered: the instance died, stops or is not up yet
            }
        }
        pause(TimeUnit.MILLISECONDS.toNanos(100));
        return null;
    }

    static void pause(long nanos) throws InterruptedException {
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }
}
