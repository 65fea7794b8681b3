package io.kafkaflows.eos;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaflows.deadletter.InvalidEventException;
import io.kafkaflows.json.JsonObjectProcessor;

/**
 * The exactly-once flow's default transform: keeps every field of the JSON object and adds {@code processedAt}
 * (ISO-8601). Not a JSON object: {@link InvalidEventException} (dead-lettered inside the transaction).
 */
public final class ProcessedAtProcessor extends JsonObjectProcessor {

    @Override
    protected void transform(ObjectNode event) {
        event.put("processedAt", Instant.now().toString());
    }
}
