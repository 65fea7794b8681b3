package io.kafkaflows.admin;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kafkaflows.http.HttpProblemException;
import io.kafkaflows.kafka.KafkaClientProperties;
import io.kafkaflows.kafka.KafkaClients;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * {@code GET /api/topics/{name}/browse?partition=P&limit=N}: the last N committed records of a partition (of every
 * partition, newest first, without {@code partition}), for the dashboard's record browser and dead-letter list. Keys,
 * header values and values as UTF-8 text (base64 when they are not text), each cut at a size cap.
 */
public final class RecordBrowser {

    static final int MAX_LIMIT = 200;
    static final int VALUE_CAP = 4096;
    static final int HEADER_CAP = 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    public ApiResponse browse(Exchange exchange, String topic, String partition, String limit) {
        int n = parse("limit", limit, 20);
        if (n < 1 || n > MAX_LIMIT) {
            throw HttpProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        try (Consumer<byte[], byte[]> consumer = KafkaClients.consumer(exchange.getContext(),
                KafkaClientProperties.committedBytesReader(exchange.getContext(), "kafka-flows-record-browser"))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new HttpProblemException(404, "not_found", "topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            if (partition != null && !partition.isEmpty()) {
                int p = parse("partition", partition, 0);
                if (p < 0 || p >= partitions.size()) {
                    throw HttpProblemException.badRequest("partition " + p + " does not exist: topic " + topic + " has "
                            + partitions.size() + " partition(s)");
                }
                partitions.retainAll(List.of(new TopicPartition(topic, p)));
            }
            List<ConsumerRecord<byte[], byte[]>> records = lastRecords(consumer, partitions, n);
            records.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
                    .thenComparingLong(ConsumerRecord::offset).reversed());
            List<Map<String, Object>> shown = records.stream().limit(n).map(RecordBrowser::describe).toList();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("topic", topic);
            answer.put("partition", partition == null || partition.isEmpty() ? null : partitions.get(0).partition());
            answer.put("records", shown);
            return ApiResponse.ok(answer);
        }
    }

    /** Up to n records from the end of each partition (read_committed: up to the last stable offset). */
    private static List<ConsumerRecord<byte[], byte[]>> lastRecords(Consumer<byte[], byte[]> consumer,
                                                                    List<TopicPartition> partitions, int n) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - n));
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static Map<String, Object> describe(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partition", record.partition());
        out.put("offset", record.offset());
        out.put("timestamp", record.timestamp());
        out.put("key", shown(record.key(), HEADER_CAP));
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), shown(h.value(), HEADER_CAP));
        }
        out.put("headers", headers);
        out.put("value", shown(record.value(), VALUE_CAP));
        out.put("valueBytes", record.value() == null ? 0 : record.value().length);
        return out;
    }

    /** UTF-8 text, or "base64:..." when the bytes are not text; cut at cap characters with a trailing "...". */
    static String shown(byte[] bytes, int cap) {
        if (bytes == null) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            text = "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
        return text.length() <= cap ? text : text.substring(0, cap) + "...";
    }

    private static int parse(String name, String value, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw HttpProblemException.badRequest(name + " must be a number, not '" + value + "'");
        }
    }
}
