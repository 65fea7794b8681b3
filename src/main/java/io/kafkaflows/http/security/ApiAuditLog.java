package io.kafkaflows.http.security;

import io.kafkaflows.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per state-changing API call, accepted or refused, on the logger {@code io.kafkaflows.audit}: time,
 * principal and how it authenticated, remote address, operation, method and path, arguments (path and query
 * values, the request body up to 2 KiB), HTTP status, outcome and duration. With {@code flows.http.audit.topic} set
 * the same line is also written to that Kafka topic (key: the principal), through the Kafka component's settings.
 */
final class ApiAuditLog {

    static final String LOGGER = "io.kafkaflows.audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(ApiAuditLog.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_BODY = 2048;

    private final ProducerTemplate template;
    private final String topicUri;

    ApiAuditLog(CamelContext context, String topic) {
        this.template = topic == null ? null : context.createProducerTemplate();
        this.topicUri = topic == null ? null : "kafka:" + topic;
    }

    /** {@code principal}: the authenticated name, or the name claimed by credentials that failed, or null. */
    void record(String principal, String via, String remote, String operation, String method, String path,
                Map<String, Object> arguments, String body, int status, long durationMs) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("principal", principal);
        line.put("auth", via);
        line.put("remote", remote);
        line.put("operation", operation);
        line.put("method", method);
        line.put("path", path);
        Map<String, Object> args = new LinkedHashMap<>(arguments);
        if (body != null && !body.isEmpty()) {
            args.put("body", body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "...(truncated)" : json(body));
        }
        line.put("arguments", args);
        line.put("status", status);
        line.put("outcome", outcome(status));
        line.put("durationMs", durationMs);
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        AUDIT.info(text);
        if (template != null) {
            String key = principal == null ? "" : principal;
            template.asyncSend(topicUri, exchange -> {
                exchange.getIn().setBody(text);
                exchange.getIn().setHeader(KafkaConstants.KEY, key);
            }).thenAccept(exchange -> {
                if (exchange.getException() != null) {
                    LOG.error("Audit line not written to {}: {}", topicUri, exchange.getException().getMessage());
                }
            });
        }
    }

    /** A JSON body as JSON, so audit readers can query it; anything else as text. */
    private static Object json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return body;
        }
    }

    static String outcome(int status) {
        if (status < 400) {
            return "ok";
        }
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 413 -> "too_large";
            case 429 -> "rate_limited";
            default -> status < 500 ? "rejected" : "failed";
        };
    }

    void stop() {
        if (template != null) {
            try {
                template.stop();
            } catch (Exception e) {
                LOG.debug("audit producer template stop: {}", e.toString());
            }
        }
    }
}
