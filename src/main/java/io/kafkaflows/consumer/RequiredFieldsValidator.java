package io.kafkaflows.consumer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.deadletter.InvalidEventException;

/**
 * Checks a parsed event before the handler sees it: a JSON object carrying every field of
 * {@code flows.consumer.required-fields} (comma separated, may be empty) with a non-null value. A failing event is
 * an {@link InvalidEventException}: dead-lettered at once, never retried.
 */
public final class RequiredFieldsValidator {

    private final List<String> requiredFields = new ArrayList<>();

    public RequiredFieldsValidator(String fields) {
        for (String field : fields.split(",")) {
            if (!field.isBlank()) {
                requiredFields.add(field.trim());
            }
        }
    }

    public void check(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new InvalidEventException("expected a JSON object, got " + (event == null ? "nothing" : event.getNodeType()));
        }
        for (String field : requiredFields) {
            JsonNode value = event.get(field);
            if (value == null || value.isNull()) {
                throw new InvalidEventException("required field '" + field + "' is missing");
            }
        }
    }
}
