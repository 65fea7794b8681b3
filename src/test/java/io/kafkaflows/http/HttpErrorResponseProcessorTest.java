package io.kafkaflows.http;

import java.util.concurrent.ExecutionException;

import org.apache.camel.CamelExecutionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which HTTP status each failure maps to, including causes wrapped by Camel and by Kafka futures. */
class HttpErrorResponseProcessorTest {

    @Test
    void mapsFailuresToStatuses() {
        assertEquals(413, HttpErrorResponseProcessor.toProblem(new ExecutionException(new RecordTooLargeException("big"))).status());
        assertEquals(503, HttpErrorResponseProcessor.toProblem(
                new CamelExecutionException("x", null, new TimeoutException("no broker"))).status());
        assertEquals(403, HttpErrorResponseProcessor.toProblem(new HttpProblemException(403, "topic_not_allowed", "no")).status());
        assertEquals(400, HttpErrorResponseProcessor.toProblem(
                new com.fasterxml.jackson.core.JsonParseException(null, "bad")).status());
        HttpProblemException noAuthorizer = HttpErrorResponseProcessor.toProblem(
                new ExecutionException(new SecurityDisabledException("No Authorizer is configured.")));
        assertEquals(409, noAuthorizer.status());
        assertEquals("no_authorizer", noAuthorizer.error());
        HttpProblemException unknown = HttpErrorResponseProcessor.toProblem(new IllegalStateException("boom"));
        assertEquals(500, unknown.status());
        assertEquals("internal_error", unknown.error());
    }
}
