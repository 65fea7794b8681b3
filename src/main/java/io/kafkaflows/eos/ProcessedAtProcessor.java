package io.kafkaflows.eos;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.deadletter.InvalidEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The exactly-once flow's default transform: keeps every field of the JSON object and adds {@code processedAt}
 * (ISO-8601). Not a JSON object: {@link InvalidEventException} (dead-lettered inside the transaction).
 */
public final class ProcessedAtProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        JsonNode event = exchange.getMessage().getBody(JsonNode.class);
        if (!(event instanceof ObjectNode object)) {
            throw new InvalidEventException("expected a JSON object, got " + (event == null ? "nothing" : event.getNodeType()));
        }
        object.put("processedAt", Instant.now().toString());
    }
}
