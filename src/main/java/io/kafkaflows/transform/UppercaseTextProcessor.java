package io.kafkaflows.transform;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.deadletter.InvalidEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The stream transform's default transform, the guide's {@code uppercase_processor}: upper-cases the {@code text}
 * field of a JSON object and keeps every other field ({@code text} becomes "" when absent, as in the guide).
 * A value that is not a JSON object, or a non-string {@code text}, is an {@link InvalidEventException}.
 */
public final class UppercaseTextProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        JsonNode event = exchange.getMessage().getBody(JsonNode.class);
        if (!(event instanceof ObjectNode object)) {
            throw new InvalidEventException("expected a JSON object, got " + (event == null ? "nothing" : event.getNodeType()));
        }
        JsonNode text = object.get("text");
        if (text != null && !text.isNull() && !text.isTextual()) {
            throw new InvalidEventException("field 'text' must be a string, got " + text.getNodeType());
        }
        object.put("text", text == null || text.isNull() ? "" : text.asText().toUpperCase(Locale.ROOT));
    }
}
