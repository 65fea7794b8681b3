package io.kafkaflows.transform;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.deadletter.InvalidEventException;
import io.kafkaflows.json.JsonObjectProcessor;

/**
 * The stream transform's default transform, the guide's {@code uppercase_processor}: upper-cases the {@code text}
 * field of a JSON object and keeps every other field ({@code text} becomes "" when absent, as in the guide).
 * A value that is not a JSON object, or a non-string {@code text}, is an {@link InvalidEventException}.
 */
public final class UppercaseTextProcessor extends JsonObjectProcessor {

    @Override
    protected void transform(ObjectNode event) {
        JsonNode text = event.get("text");
        if (text != null && !text.isNull() && !text.isTextual()) {
            throw new InvalidEventException("field 'text' must be a string, got " + text.getNodeType());
        }
        event.put("text", text == null || text.isNull() ? "" : text.asText().toUpperCase(Locale.ROOT));
    }
}
