package io.kafkaflows.transform;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The stream transform's default transform, the guide's {@code uppercase_processor}: upper-cases the {@code text}
 * field of a JSON object and keeps every other field ({@code text} becomes "" when absent, as in the guide).
 * A value that is not a JSON object fails the record.
 */
public final class UppercaseTextProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        JsonNode event = exchange.getMessage().getBody(JsonNode.class);
        if (!(event instanceof ObjectNode object)) {
            throw new IllegalArgumentException("expected a JSON object, got " + (event == null ? "null" : event.getNodeType()));
        }
        JsonNode text = object.get("text");
        object.put("text", text == null || text.isNull() ? "" : text.asText().toUpperCase(Locale.ROOT));
    }
}
