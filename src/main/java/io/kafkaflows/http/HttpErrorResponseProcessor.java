package io.kafkaflows.http;

import io.kafkaflows.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exception that ended an HTTP exchange into a JSON error {@code {"error", "detail"}} with a status that
 * fits: the request's own fault 400/403/413, unknown topic or group 404, a conflict (topic exists, group active;
 * ACL calls on a cluster without authorizer) 409, anything unexpected 500 (logged with an id the answer carries; no exception text in the response).
 * Kafka not able to take a write is 503, never a 200: fewer in-sync replicas than {@code min.insync.replicas}
 * ({@code not_enough_replicas}), or brokers, leaders or coordinators not reachable within {@code max.block.ms} /
 * {@code delivery.timeout.ms} or any other retriable Kafka error that outlasted the client's retries
 * ({@code kafka_unavailable}). A {@link RetryLaterException} (503) also sets {@code Retry-After}. Used by the shared
 * {@code http-errors} route configuration.
 */
public final class HttpErrorResponseProcessor implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrorResponseProcessor.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    static final String RETRY_AFTER = "Retry-After";
    private static final String NOT_ACKNOWLEDGED = "not acknowledged (a write may or may not have been stored);"
            + " retry later";

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        HttpProblemException problem = toProblem(caught);
        if (problem.status() == 500) {
            // the caller learns an id to quote, never the exception: no class names or stack frames leave the app
            String id = UUID.randomUUID().toString();
            LOG.warn("{} {} failed (error id {})", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_URI), id, caught);
            problem = new HttpProblemException(500, "internal_error", "unexpected error, logged with id " + id);
        } else if (problem.status() >= 500) {
            LOG.warn("{} {} failed: {} ({})", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_URI), problem.getMessage(), problem.error());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.error());
        body.put("detail", problem.getMessage());
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (problem instanceof RetryLaterException retry) {
            exchange.getMessage().setHeader(RETRY_AFTER, retry.retryAfterSeconds());
        }
        exchange.getMessage().setBody(JSON.writeValueAsBytes(body));
    }

    /** The problem (status, code, detail) an exception stands for; unknown ones are 500. */
    public static HttpProblemException toProblem(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof HttpProblemException p) {
                return p;
            }
            if (t instanceof JsonProcessingException j) {
                return HttpProblemException.badRequest("invalid JSON: " + j.getOriginalMessage());
            }
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return new HttpProblemException(413, "record_too_large", t.getMessage());
            }
            if (t instanceof UnknownTopicOrPartitionException || t instanceof GroupIdNotFoundException) {
                return new HttpProblemException(404, "not_found", t.getMessage());
            }
            if (t instanceof GroupNotEmptyException || t instanceof TopicExistsException) {
                return new HttpProblemException(409, "conflict", t.getMessage());
            }
            if (t instanceof InvalidTopicException || t instanceof InvalidPartitionsException
                    || t instanceof InvalidReplicationFactorException || t instanceof InvalidConfigurationException
                    || t instanceof InvalidRequestException || t instanceof PolicyViolationException) {
                return HttpProblemException.badRequest(t.getMessage());
            }
            if (t instanceof SecurityDisabledException) {
                return new HttpProblemException(409, "no_authorizer",
                        "the Kafka cluster has no authorizer (authorizer.class.name): ACLs cannot be read or changed");
            }
            if (t instanceof AuthorizationException) {
                return new HttpProblemException(403, "not_authorized", t.getMessage());
            }
            if (t instanceof NotEnoughReplicasException || t instanceof NotEnoughReplicasAfterAppendException) {
                return new HttpProblemException(503, "not_enough_replicas", "fewer in-sync replicas than"
                        + " min.insync.replicas: " + NOT_ACKNOWLEDGED + " (" + t.getMessage() + ")");
            }
            if (t instanceof TimeoutException) {
                return new HttpProblemException(503, "kafka_unavailable", "Kafka did not answer in time"
                        + " (brokers, partition leaders or in-sync replicas unavailable): " + NOT_ACKNOWLEDGED + " ("
                        + t.getMessage() + ")");
            }
            if (t instanceof RetriableException) {
                return new HttpProblemException(503, "kafka_unavailable", "Kafka is temporarily unavailable: "
                        + NOT_ACKNOWLEDGED + " (" + t.getMessage() + ")");
            }
        }
        return new HttpProblemException(500, "internal_error", "unexpected error");
    }
}
