package io.kafkaflows.http;

/**
 * A 503 the caller should simply repeat a moment later (e.g. while the leaders of a topic's partitions are being
 * elected): the answer carries {@code Retry-After} with {@link #retryAfterSeconds()}.
 */
public final class RetryLaterException extends HttpProblemException {

    private final int retryAfterSeconds;

    public RetryLaterException(String error, String detail, int retryAfterSeconds) {
        super(503, error, detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
