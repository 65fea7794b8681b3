package io.kafkaflows.http;

/**
 * A request the API refuses, with the HTTP status and the short error code that go back to the caller as
 * {@code {"error": code, "detail": detail}}.
 */
public class HttpProblemException extends RuntimeException {

    private final int status;
    private final String error;

    public HttpProblemException(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public static HttpProblemException badRequest(String detail) {
        return new HttpProblemException(400, "bad_request", detail);
    }
}
