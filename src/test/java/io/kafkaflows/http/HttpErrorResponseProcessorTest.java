package io.kafkaflows.http;

import java.util.concurrent.ExecutionException;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** acks=all writes the cluster cannot take: 503 with a code saying why, never 500 (nor 200). */
    @Test
    void brokerUnavailabilityIs503() {
        HttpProblemException minIsr = HttpErrorResponseProcessor.toProblem(new CamelExecutionException("x", null,
                new ExecutionException(new NotEnoughReplicasException("Messages are rejected since there are fewer"
                        + " in-sync replicas than required."))));
        assertEquals(503, minIsr.status());
        assertEquals("not_enough_replicas", minIsr.error());
        assertTrue(minIsr.getMessage().contains("min.insync.replicas"), minIsr.getMessage());
        HttpProblemException afterAppend = HttpErrorResponseProcessor.toProblem(
                new NotEnoughReplicasAfterAppendException("written to the leader only"));
        assertEquals(503, afterAppend.status());
        assertEquals("not_enough_replicas", afterAppend.error());
        HttpProblemException expired = HttpErrorResponseProcessor.toProblem(new KafkaException("send failed",
                new TimeoutException("Expiring 1 record(s) for t-0:6001 ms has passed since batch creation")));
        assertEquals(503, expired.status());
        assertEquals("kafka_unavailable", expired.error());
        assertTrue(expired.getMessage().contains("Expiring 1 record(s)"), expired.getMessage());
        HttpProblemException noLeader = HttpErrorResponseProcessor.toProblem(new NotLeaderOrFollowerException("moved"));
        assertEquals(503, noLeader.status());
        assertEquals("kafka_unavailable", noLeader.error());
        // retriable too, but the caller's fault: stays 404
        assertEquals(404, HttpErrorResponseProcessor.toProblem(new UnknownTopicOrPartitionException("gone")).status());
    }

    /** An unexpected failure answers an id to quote, never the exception's class, message or stack frames. */
    @Test
    void unexpectedFailureRevealsNothingInternal() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                    new IllegalStateException("internal-detail", new NullPointerException("at io.kafkaflows.X")));
            new HttpErrorResponseProcessor().process(exchange);
            String body = exchange.getMessage().getBody(String.class);
            assertEquals(500, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
            assertTrue(body.contains("\"internal_error\"") && body.contains("logged with id"), body);
            for (String leak : new String[] {"IllegalStateException", "NullPointer", "internal-detail", "io.kafkaflows", "Exception"}) {
                assertFalse(body.contains(leak), leak + " in " + body);
            }
        }
    }

    /** A retry-later problem answers 503 with Retry-After; other 503s and errors carry no Retry-After. */
    @Test
    void retryLaterAnswersRetryAfter() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new CamelExecutionException("x", null,
                    new RetryLaterException("leader_not_available", "partitions [2] have no leader", 1)));
            new HttpErrorResponseProcessor().process(exchange);
            assertEquals(503, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
            assertEquals("1", exchange.getMessage().getHeader("Retry-After", String.class));
            String body = exchange.getMessage().getBody(String.class);
            assertTrue(body.contains("\"leader_not_available\"") && body.contains("partitions [2] have no leader"), body);

            Exchange other = new DefaultExchange(context);
            other.setProperty(Exchange.EXCEPTION_CAUGHT, new TimeoutException("no broker"));
            new HttpErrorResponseProcessor().process(other);
            assertEquals(503, other.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
            assertEquals(null, other.getMessage().getHeader("Retry-After"));
        }
    }
}
