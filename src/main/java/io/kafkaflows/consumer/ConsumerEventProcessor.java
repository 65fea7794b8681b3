package io.kafkaflows.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The consumer flow's per-record work in one step: the record's value parsed as JSON (Jackson), checked for
 * {@code flows.consumer.required-fields}, handed to the {@link ConsumerEventHandler}, and what the handler returns
 * written back as the JSON string the sink gets. One processor instead of unmarshal, validate, bean, marshal and
 * convert steps: each Camel step costs more per record than the work it wraps (profiled, docs/performance.md).
 * Bad JSON throws Jackson's {@code JsonProcessingException}, a failed check {@code InvalidEventException}: both
 * non-retryable (dead-lettered at once); whatever the handler throws is retried first.
 */
public final class ConsumerEventProcessor implements Processor {

    private ConsumerEventHandler handler = new ConsumerEventHandler();
    private RequiredFieldsValidator validator = new RequiredFieldsValidator("");

    public void setHandler(ConsumerEventHandler handler) {
        this.handler = handler;
    }

    public void setRequiredFields(String fields) {
        this.validator = new RequiredFieldsValidator(fields);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        message.setBody(handle(message.getMandatoryBody(byte[].class)));
    }

    /** One record's value through parse, check and handler: the JSON string the sink gets. */
    public String handle(byte[] value) throws Exception {
        JsonNode event = Json.MAPPER.readTree(value);
        validator.check(event);
        return Json.MAPPER.writeValueAsString(handler.handle(event));
    }
}
