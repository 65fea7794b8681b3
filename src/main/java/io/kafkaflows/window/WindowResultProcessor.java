package io.kafkaflows.window;

import io.kafkaflows.json.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * A closed window as the output record: key = the input key, value
 * {@code {"key","windowStart","windowEnd","count","sum","min","max","avg"}} (bounds in epoch millis). With tracing on, the window
 * (its remembered traces) goes on in exchange property {@link WindowResultLinksProcessor#WINDOW}.
 */
public class WindowResultProcessor implements Processor {

    private static final ObjectMapper JSON = Json.MAPPER;
    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        WindowAggregate window = message.getBody(WindowAggregate.class);
        ObjectNode value = JSON.createObjectNode()
                .put("key", window.keyText())
                .put("windowStart", window.getStart())
                .put("windowEnd", window.getEnd())
                .put("count", window.getCount())
                .put("sum", window.getSum())
                .put("min", window.getMin())
                .put("max", window.getMax())
                .put("avg", window.getSum() / window.getCount());
        if (window.getTraces() != null && !window.getTraces().isEmpty()) {
            exchange.setProperty(WindowResultLinksProcessor.WINDOW, window);
        }
        message.getHeaders().clear();
        message.setHeader(KafkaConstants.KEY, window.keyBytes());
        message.setBody(JSON.writeValueAsBytes(value));
    }
}
