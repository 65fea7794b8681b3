package io.kafkaflows.window;

import io.kafkaflows.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.deadletter.InvalidEventException;

/**
 * Reads what a window needs from one input record, refusing (with {@link InvalidEventException}, which the shared
 * error handler dead-letters) anything that would be counted wrong or poison the stream time: a value that is not
 * a JSON object, a missing or non-numeric value field, a missing or unparseable time field, a negative timestamp,
 * or one further in the future than {@code maxFuture} from now.
 */
public final class WindowEventReader {

    /** One record's event time and value. */
    public record Event(long timestamp, double value) {
    }

    private static final ObjectMapper JSON = Json.MAPPER;
    private final String valueField;
    private final String timeField;
    private final long maxFutureMs;

    public WindowEventReader(String valueField, String timeField, Duration maxFuture) {
        this.valueField = valueField;
        this.timeField = timeField == null || timeField.isBlank() ? null : timeField.trim();
        this.maxFutureMs = maxFuture.toMillis();
    }

    public Event read(byte[] body, Long recordTimestamp, long nowMs) {
        JsonNode json;
        try {
            json = body == null ? null : JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEventException("value is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEventException("value is not readable: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidEventException("value must be a JSON object with a numeric field '" + valueField + "'");
        }
        JsonNode value = json.get(valueField);
        if (value == null || !value.isNumber()) {
            throw new InvalidEventException("field '" + valueField + "' is " + (value == null ? "missing" : "not a number: " + value));
        }
        long timestamp = timeField == null ? recordTimestamp(recordTimestamp) : eventTime(json.get(timeField));
        if (timestamp < 0) {
            throw new InvalidEventException("event time " + timestamp + " is negative");
        }
        if (timestamp > nowMs + maxFutureMs) {
            throw new InvalidEventException("event time " + Instant.ofEpochMilli(timestamp) + " is more than "
                    + Duration.ofMillis(maxFutureMs) + " in the future (flows.window.max-future)");
        }
        return new Event(timestamp, value.doubleValue());
    }

    private static long recordTimestamp(Long timestamp) {
        if (timestamp == null) {
            throw new InvalidEventException("the record has no timestamp");
        }
        return timestamp;
    }

    private long eventTime(JsonNode time) {
        if (time == null || time.isNull()) {
            throw new InvalidEventException("time field '" + timeField + "' is missing");
        }
        if (time.isIntegralNumber()) {
            return time.asLong();
        }
        if (time.isTextual()) {
            String text = time.asText().trim();
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return Instant.parse(text).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new InvalidEventException("time field '" + timeField + "' is neither epoch millis nor"
                            + " ISO-8601: '" + text + "'");
                }
            }
        }
        throw new InvalidEventException("time field '" + timeField + "' is neither epoch millis nor ISO-8601: " + time);
    }
}
