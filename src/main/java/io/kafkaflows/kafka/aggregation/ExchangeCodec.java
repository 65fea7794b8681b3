package io.kafkaflows.kafka.aggregation;

import io.kafkaflows.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    private static final ObjectMapper JSON = Json.MAPPER;
    private final List<String> allowedTypePrefixes;
    private final boolean withHeaders;

    /** {@code withHeaders=false}: only the body is kept (when the aggregate lives in the body alone). */
    public ExchangeCodec(List<String> allowedTypePrefixes, boolean withHeaders) {
        this.allowedTypePrefixes = List.copyOf(allowedTypePrefixes);
        this.withHeaders = withHeaders;
    }

    public byte[] encode(Exchange exchange) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            Object body = exchange.getMessage().getBody();
            if (body != null) {
                json.writeStringField("type", body.getClass().getName());
                json.writeFieldName("body");
                if (body instanceof byte[] bytes) {
                    json.writeBinary(bytes);
                } else {
                    JSON.writeValue(json, body);
                }
            }
            if (withHeaders) {
                writeScalars(json, "headers", exchange.getMessage().getHeaders());
                writeScalars(json, "properties", exchange.getAllProperties());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the aggregated exchange as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void writeScalars(JsonGenerator json, String field, Map<String, Object> values) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                json.writeFieldName(entry.getKey());
                json.writeObject(value);
            }
        }
        json.writeEndObject();
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
