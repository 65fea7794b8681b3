package io.kafkaflows.window;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One emitted window result, as JSON {@code {"key","windowStart","windowEnd","count","sum","min","max","avg"}}
 * (epoch milliseconds for the window bounds). Ordered by key, window start, window end.
 */
public record WindowResultRow(String key, long windowStart, long windowEnd, long count, double sum, double min,
                              double max, double avg) implements Comparable<WindowResultRow> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Comparator<WindowResultRow> ORDER = Comparator.comparing(WindowResultRow::key)
            .thenComparingLong(WindowResultRow::windowStart)
            .thenComparingLong(WindowResultRow::windowEnd);

    @Override
    public int compareTo(WindowResultRow other) {
        return ORDER.compare(this, other);
    }

    /** Reads the JSON object written by {@link #toJson()}; every field is required. */
    public static WindowResultRow parse(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new WindowResultRow(
                    required(node, "key").asText(),
                    required(node, "windowStart").asLong(),
                    required(node, "windowEnd").asLong(),
                    required(node, "count").asLong(),
                    required(node, "sum").asDouble(),
                    required(node, "min").asDouble(),
                    required(node, "max").asDouble(),
                    required(node, "avg").asDouble());
        } catch (IOException e) {
            throw new UncheckedIOException("not a window result row", e);
        }
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", key);
        node.put("windowStart", windowStart);
        node.put("windowEnd", windowEnd);
        node.put("count", count);
        node.put("sum", sum);
        node.put("min", min);
        node.put("max", max);
        node.put("avg", avg);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("window result row without \"" + field + "\": " + node);
        }
        return value;
    }

    /** The records' values as rows, sorted. */
    static java.util.List<WindowResultRow> sorted(java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records) {
        java.util.List<WindowResultRow> rows = new java.util.ArrayList<>();
        records.forEach(r -> rows.add(parse(r.value())));
        java.util.Collections.sort(rows);
        return rows;
    }
}
