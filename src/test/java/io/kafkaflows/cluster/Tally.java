package io.kafkaflows.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How often each id occurs in what a topic (or a sink) holds, checked against the ids that had to arrive. */
final class Tally {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> counts = new HashMap<>();

    static Tally of(Collection<String> ids) {
        Tally tally = new Tally();
        ids.forEach(id -> tally.counts.merge(id, 1, Integer::sum));
        return tally;
    }

    /** The JSON field {@code field} of each record value. */
    static Tally ofRecords(List<ConsumerRecord<byte[], byte[]>> records, String field) {
        return of(records.stream().map(r -> json(r.value()).path(field).asText()).toList());
    }

    static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + new String(value, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    int count(String id) {
        return counts.getOrDefault(id, 0);
    }

    int distinct() {
        return counts.size();
    }

    /** Ids of {@code expected} not found at all. */
    long missing(Collection<String> expected) {
        return expected.stream().filter(id -> count(id) == 0).count();
    }

    /** Extra copies of the ids of {@code expected} (an id found 3 times counts 2). */
    long duplicates(Collection<String> expected) {
        return expected.stream().mapToLong(id -> Math.max(0, count(id) - 1)).sum();
    }

    /** Ids of {@code candidates} found at least once. */
    long present(Collection<String> candidates) {
        return candidates.stream().filter(id -> count(id) > 0).count();
    }

    /** Extra copies of any id. */
    long duplicates() {
        return counts.values().stream().mapToLong(c -> Math.max(0, c - 1)).sum();
    }
}
