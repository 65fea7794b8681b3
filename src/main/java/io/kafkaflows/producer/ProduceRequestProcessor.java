package io.kafkaflows.producer;

import io.kafkaflows.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.admin.SharedKafkaAdmin;
import io.kafkaflows.http.HttpProblemException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;

/**
 * Reads a REST-Proxy-v3-shaped produce request ({@code {"key", "value", "headers", "partition"}} or an array of
 * them) into a list of Camel messages, one per Kafka record, ready for the Kafka producer. Validates everything
 * before anything is sent, so a refused request writes nothing: JSON, required value, allowed topic
 * ({@code flows.producer.allowed-topics}), record size against {@code max.request.size}. Drops every inbound HTTP
 * header: only headers given in the body become Kafka headers.
 * Sets exchange properties {@link #TOPIC}, {@link #MODE} (sync | async | transactional) and {@link #SINGLE}.
 */
public final class ProduceRequestProcessor implements Processor {

    public static final String TOPIC = "produceTopic";
    public static final String MODE = "produceMode";
    public static final String SINGLE = "produceSingle";

    /** Record batch and record framing on top of key, value and headers (conservative upper bound). */
    static final int RECORD_OVERHEAD = 61 + 21;
    static final int HEADER_OVERHEAD = 10;

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Set<String> FIELDS = Set.of("key", "value", "headers", "partition");
    private static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate");

    private Pattern allowedTopics = Pattern.compile(".*");
    private SharedKafkaAdmin admin;
    private long adminTimeoutMs = 10000;
    private int maxRequestSize = 1048576;
    private boolean traceContext;

    public void setAllowedTopics(String regex) {
        this.allowedTopics = Pattern.compile(regex);
    }

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public void setAdminTimeoutMs(long adminTimeoutMs) {
        this.adminTimeoutMs = adminTimeoutMs;
    }

    /** Whether records carry the request's trace context ({@code camel.opentelemetry2.enabled}). */
    public void setTraceContext(boolean traceContext) {
        this.traceContext = traceContext;
    }

    public void setMaxRequestSize(int maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String topic = in.getHeader("topic", String.class);
        String mode = mode(in.getHeader("async", String.class), in.getHeader("transactional", String.class));
        byte[] body = in.getBody(byte[].class);
        Map<String, byte[]> traceHeaders = traceHeaders(in);
        in.getHeaders().clear();

        checkTopic(topic);
        if (body == null || body.length == 0) {
            throw HttpProblemException.badRequest("request body is empty: expected a JSON record or array of records");
        }
        JsonNode root = JSON.readTree(body);
        if (root == null || !(root.isObject() || root.isArray())) {
            throw HttpProblemException.badRequest("expected a JSON object {\"value\": ...} or an array of them");
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
            if (items.isEmpty()) {
                throw HttpProblemException.badRequest("the array of records is empty");
            }
        } else {
            items.add(root);
        }
        List<Message> records = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Message record = toRecord(exchange, items.get(i), root.isArray() ? "record " + i + ": " : "");
            traceHeaders.forEach((name, value) -> {
                if (record.getHeader(name) == null) {
                    record.setHeader(name, value);
                }
            });
            records.add(record);
        }
        checkPartitions(topic, records);
        exchange.setProperty(TOPIC, topic);
        // the topic the route's toD resolves; set here too so the send's span is named after it
        in.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
        exchange.setProperty(MODE, mode);
        exchange.setProperty(SINGLE, !root.isArray());
        in.setBody(records);
    }

    /**
     * With tracing on, the trace context Camel's tracer put on the request (its span, child of an incoming
     * {@code traceparent}), so each record continues the request's trace; a record's own trace headers win.
     */
    private Map<String, byte[]> traceHeaders(Message in) {
        if (!traceContext) {
            return Map.of();
        }
        Map<String, byte[]> headers = new HashMap<>();
        for (String name : TRACE_HEADERS) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                headers.put(name, value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    private void checkTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw HttpProblemException.badRequest("topic is missing from the path");
        }
        try {
            Topic.validate(topic);
        } catch (RuntimeException e) {
            throw HttpProblemException.badRequest(e.getMessage());
        }
        if (!allowedTopics.matcher(topic).matches()) {
            throw new HttpProblemException(403, "topic_not_allowed",
                    "topic '" + topic + "' does not match flows.producer.allowed-topics");
        }
    }

    /** The producer would block until max.block.ms on a partition that does not exist: refuse it up front. */
    private void checkPartitions(String topic, List<Message> records) throws Exception {
        int highest = -1;
        for (Message record : records) {
            Integer partition = record.getHeader(KafkaConstants.PARTITION_KEY, Integer.class);
            highest = partition == null ? highest : Math.max(highest, partition);
        }
        if (highest < 0) {
            return;
        }
        int count;
        try {
            count = admin.admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(adminTimeoutMs, TimeUnit.MILLISECONDS).get(topic).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw HttpProblemException.badRequest("topic '" + topic + "' does not exist, so partition "
                        + highest + " cannot be written");
            }
            throw e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("no answer from Kafka within "
                    + adminTimeoutMs + " ms while checking partitions of " + topic);
        }
        if (highest >= count) {
            throw HttpProblemException.badRequest("partition " + highest + " does not exist: topic '" + topic
                    + "' has " + count + " partition(s)");
        }
    }

    private static String mode(String async, String transactional) {
        boolean isAsync = Boolean.parseBoolean(async);
        boolean isTransactional = Boolean.parseBoolean(transactional);
        if (isAsync && isTransactional) {
            throw HttpProblemException.badRequest("async=true and transactional=true cannot be combined");
        }
        return isAsync ? "async" : isTransactional ? "transactional" : "sync";
    }

    private Message toRecord(Exchange exchange, JsonNode item, String where) throws Exception {
        if (!item.isObject()) {
            throw HttpProblemException.badRequest(where + "expected a JSON object with a \"value\" field");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw HttpProblemException.badRequest(where + "unknown field '" + name + "' (allowed: key, value, headers, partition)");
            }
        }
        if (!item.has("value")) {
            throw HttpProblemException.badRequest(where + "\"value\" is required (use null for a tombstone)");
        }
        Message record = new DefaultMessage(exchange);
        JsonNode value = item.get("value");
        byte[] valueBytes = value.isNull() ? null : JSON.writeValueAsBytes(value);
        record.setBody(valueBytes);
        int size = RECORD_OVERHEAD + length(valueBytes);

        JsonNode key = item.get("key");
        if (key != null && !key.isNull()) {
            byte[] keyBytes = key.isTextual() ? key.textValue().getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(key);
            record.setHeader(KafkaConstants.KEY, keyBytes);
            size += keyBytes.length;
        }
        JsonNode partition = item.get("partition");
        if (partition != null && !partition.isNull()) {
            if (!partition.canConvertToInt() || !partition.isIntegralNumber() || partition.intValue() < 0) {
                throw HttpProblemException.badRequest(where + "\"partition\" must be a non-negative integer");
            }
            record.setHeader(KafkaConstants.PARTITION_KEY, partition.intValue());
        }
        size += readHeaders(item.get("headers"), record, where);
        if (size > maxRequestSize) {
            throw new HttpProblemException(413, "record_too_large", where + "the record is about " + size
                    + " bytes, more than max.request.size (" + maxRequestSize + ")");
        }
        return record;
    }

    private static int readHeaders(JsonNode headers, Message record, String where) {
        if (headers == null || headers.isNull()) {
            return 0;
        }
        if (!headers.isObject()) {
            throw HttpProblemException.badRequest(where + "\"headers\" must be an object of string values");
        }
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            JsonNode value = header.getValue();
            if (!value.isTextual()) {
                throw HttpProblemException.badRequest(where + "header '" + header.getKey() + "' must be a string");
            }
            if (header.getKey().regionMatches(true, 0, "camel", 0, 5) || header.getKey().startsWith("kafka.")) {
                throw HttpProblemException.badRequest(where + "header '" + header.getKey()
                        + "' is reserved (names starting with Camel or kafka. are not allowed)");
            }
            byte[] bytes = value.textValue().getBytes(StandardCharsets.UTF_8);
            record.setHeader(header.getKey(), bytes);
            size += HEADER_OVERHEAD + header.getKey().length() + bytes.length;
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
