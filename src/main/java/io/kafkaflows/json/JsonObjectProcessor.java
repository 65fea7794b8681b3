package io.kafkaflows.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.deadletter.InvalidEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * A transform of one JSON object record in one step: the value (bytes) parsed by Jackson, {@link #transform}ed in
 * place, written back as bytes. One processor instead of unmarshal, process and marshal steps, each of which costs
 * more per record than the work it wraps (profiled, docs/performance.md). A body that is already a
 * {@link JsonNode} (a route that unmarshals first) is transformed and left a {@code JsonNode}.
 * Bad JSON is Jackson's {@code JsonProcessingException}, anything but an object an {@link InvalidEventException}:
 * both non-retryable (dead-lettered at once).
 */
public abstract class JsonObjectProcessor implements Processor {

    @Override
    public final void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        boolean parsed = message.getBody() instanceof JsonNode;
        JsonNode event = parsed ? message.getBody(JsonNode.class) : Json.MAPPER.readTree(message.getMandatoryBody(byte[].class));
        if (!(event instanceof ObjectNode object)) {
            throw new InvalidEventException("expected a JSON object, got " + (event == null ? "nothing" : event.getNodeType()));
        }
        transform(object);
        message.setBody(parsed ? object : Json.MAPPER.writeValueAsBytes(object));
    }

    /** Changes the event in place; throws {@link InvalidEventException} for an event it cannot take. */
    protected abstract void transform(ObjectNode event);
}
