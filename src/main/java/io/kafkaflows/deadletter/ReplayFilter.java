package io.kafkaflows.deadletter;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.kafkaflows.http.HttpProblemException;

/**
 * Which dead-letter records a replay takes, and where they go. Every field is optional: {@code dlqTopic} (default
 * flows.dlq.topic), {@code sourceTopic} (only records read from it), {@code exceptionClass} (exact class name),
 * {@code from}/{@code to} (ISO-8601, on the time the record was dead-lettered, to exclusive), {@code targetTopic}
 * (default: each record's source topic), {@code dryRun} (count only).
 */
public record ReplayFilter(String dlqTopic, String sourceTopic, String exceptionClass, String from, String to,
                           String targetTopic, boolean dryRun) {

    public ReplayFilter {
        fromMillis(from, "from");
        fromMillis(to, "to");
    }

    Long fromMillis() {
        return fromMillis(from, "from");
    }

    boolean matches(String source, String exception, long failedAtMillis) {
        Long start = fromMillis(from, "from");
        Long end = fromMillis(to, "to");
        return (sourceTopic == null || sourceTopic.equals(source))
                && (exceptionClass == null || exceptionClass.equals(exception))
                && (start == null || failedAtMillis >= start)
                && (end == null || failedAtMillis < end);
    }

    private static Long fromMillis(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException again) {
                throw HttpProblemException.badRequest("'" + field + "' must be an ISO-8601 timestamp, not '" + text + "'");
            }
        }
    }
}
