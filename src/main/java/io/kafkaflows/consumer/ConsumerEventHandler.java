package io.kafkaflows.consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the consumer flow's business logic goes: gets each consumed event as parsed JSON and returns what goes to
 * the sink ({@code flows.consumer.sink}). The default passes the event on unchanged. Throwing fails the record:
 * it is not committed and is read again.
 */
public class ConsumerEventHandler {

    public JsonNode handle(JsonNode event) {
        return event;
    }
}
