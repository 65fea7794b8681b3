package io.kafkaflows.kafka.aggregation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * How {@link KafkaAggregationRepository} stores an aggregated exchange in its changelog: JSON
 * {@code {"type": <body class>, "body": <body as JSON>, "headers": {...}, "properties": {...}}}. Headers and
 * exchange properties (e.g. the aggregated size) are kept when their values are strings, numbers or booleans. A
 * body is read back only if its class name starts with one of the allowed prefixes, so a record written to the
 * topic by someone else cannot make us instantiate any class.
 */
public final class ExchangeCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> allowedTypePrefixes;

    public ExchangeCodec(List<String> allowedTypePrefixes) {
        this.allowedTypePrefixes = List.copyOf(allowedTypePrefixes);
    }

    public byte[] encode(Exchange exchange) {
        ObjectNode node = JSON.createObjectNode();
        Object body = exchange.getMessage().getBody();
        if (body != null) {
            node.put("type", body.getClass().getName());
            node.set("body", body instanceof byte[] bytes ? JSON.getNodeFactory().binaryNode(bytes) : JSON.valueToTree(body));
        }
        putScalars(node.putObject("headers"), exchange.getMessage().getHeaders());
        putScalars(node.putObject("properties"), exchange.getAllProperties());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the aggregated exchange as JSON: " + e.getMessage(), e);
        }
    }

    private static void putScalars(ObjectNode target, Map<String, Object> values) {
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                target.set(entry.getKey(), JSON.valueToTree(value));
            }
        }
    }

    public Exchange decode(CamelContext context, byte[] stored) {
        try {
            JsonNode node = JSON.readTree(stored);
            Exchange exchange = new DefaultExchange(context);
            node.path("headers").properties().forEach(h -> exchange.getMessage().setHeader(h.getKey(), scalar(h.getValue())));
            node.path("properties").properties().forEach(p -> exchange.setProperty(p.getKey(), scalar(p.getValue())));
            if (node.hasNonNull("type")) {
                String type = node.get("type").asText();
                exchange.getMessage().setBody(type.equals(byte[].class.getName())
                        ? node.get("body").binaryValue() : JSON.treeToValue(node.get("body"), allowed(type)));
            }
            return exchange;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("unreadable aggregation state in the changelog: " + e.getMessage(), e);
        }
    }

    private Class<?> allowed(String type) throws ClassNotFoundException {
        for (String prefix : allowedTypePrefixes) {
            if (type.startsWith(prefix)) {
                return Class.forName(type, false, Thread.currentThread().getContextClassLoader());
            }
        }
        throw new ClassNotFoundException(type + " is not an allowed aggregation body type (allowedTypes: "
                + allowedTypePrefixes + ")");
    }

    private static Object scalar(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.isIntegralNumber() ? (Object) value.asLong() : (Object) value.asDouble();
    }
}
