package io.kafkaflows.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkaflows.http.HttpProblemException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer groups through the shared admin client, for the REST API: list, describe (state, members and their
 * assignments, committed offsets and lag per partition), delete, lag, and offset resets (earliest, latest, an
 * offset, a timestamp, a shift) with a dry run. Lag is measured against the last stable offset (read_committed), so
 * transaction markers do not count. Resets and deletes are refused (409) while the group has active members.
 */
public final class ConsumerGroupAdministration {

    private static final long TIMEOUT_SECONDS = 30;

    private SharedKafkaAdmin admin;
    private TopicAdministration topics;

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public void setTopics(TopicAdministration topics) {
        this.topics = topics;
    }

    private Admin client() {
        return admin.admin();
    }

    public ApiResponse list() throws Exception {
        Collection<GroupListing> groups = client().listGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<Map<String, Object>> answer = new ArrayList<>();
        groups.stream().sorted((a, b) -> a.groupId().compareTo(b.groupId())).forEach(g -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("groupId", g.groupId());
            item.put("type", g.type().map(Object::toString).orElse(null));
            item.put("state", g.groupState().map(Object::toString).orElse(null));
            answer.add(item);
        });
        return ApiResponse.ok(answer);
    }

    public ApiResponse describe(String groupId) throws Exception {
        ConsumerGroupDescription group = group(groupId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groupId", groupId);
        answer.put("state", String.valueOf(group.groupState()));
        List<Map<String, Object>> members = new ArrayList<>();
        for (MemberDescription m : group.members()) {
            members.add(member(m.consumerId(), m.clientId(), m.host(), m.assignment().topicPartitions()));
        }
        answer.put("members", members);
        answer.putAll(lagOf(groupId));
        return ApiResponse.ok(answer);
    }

    /** A group member as the API answers it (consumer and share groups alike). */
    static Map<String, Object> member(String memberId, String clientId, String host, Collection<TopicPartition> assigned) {
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("memberId", memberId);
        member.put("clientId", clientId);
        member.put("host", host);
        member.put("assignments", assigned.stream().map(TopicPartition::toString).sorted().toList());
        return member;
    }

    public ApiResponse lag(String groupId) throws Exception {
        group(groupId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groupId", groupId);
        answer.putAll(lagOf(groupId));
        return ApiResponse.ok(answer);
    }

    public ApiResponse delete(String groupId) throws Exception {
        topics.checkWritable();
        client().deleteConsumerGroups(List.of(groupId)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return ApiResponse.noContent();
    }

    public ApiResponse resetOffsets(String groupId, byte[] body) throws Exception {
        JsonNode request = TopicAdministration.json(body);
        String topic = request.path("topic").asText(null);
        String to = request.path("to").asText("");
        boolean dryRun = request.path("dryRun").asBoolean(false);
        if (topic == null) {
            throw HttpProblemException.badRequest("\"topic\" is required");
        }
        if (!dryRun) {
            topics.checkWritable();
        }
        ConsumerGroupDescription group = group(groupId);
        if (!dryRun && !group.members().isEmpty()) {
            throw new HttpProblemException(409, "group_active", "group " + groupId + " has " + group.members().size()
                    + " active member(s); stop them before resetting offsets (a dry run works anyway)");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        client().describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic)
                .partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        Map<TopicPartition, Long> begin = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, OffsetAndMetadata> committed = committed(groupId);
        Map<TopicPartition, Long> planned = new HashMap<>();
        switch (to) {
            case "earliest" -> planned.putAll(begin);
            case "latest" -> planned.putAll(end);
            case "offset" -> partitions.forEach(tp -> planned.put(tp, number(request, "value")));
            case "shift" -> partitions.forEach(tp -> planned.put(tp,
                    (committed.containsKey(tp) ? committed.get(tp).offset() : end.get(tp)) + number(request, "value")));
            case "timestamp" -> {
                Map<TopicPartition, Long> at = offsets(partitions, OffsetSpec.forTimestamp(timestamp(request)));
                at.forEach((tp, offset) -> planned.put(tp, offset < 0 ? end.get(tp) : offset));
            }
            default -> throw HttpProblemException.badRequest("\"to\" must be earliest, latest, offset, timestamp or shift");
        }
        Map<TopicPartition, OffsetAndMetadata> target = new HashMap<>();
        planned.forEach((tp, offset) -> target.put(tp,
                new OffsetAndMetadata(Math.max(begin.get(tp), Math.min(end.get(tp), offset)))));
        if (!dryRun) {
            client().alterConsumerGroupOffsets(groupId, target).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groupId", groupId);
        answer.put("topic", topic);
        answer.put("dryRun", dryRun);
        Map<Integer, Long> offsets = new TreeMap<>();
        target.forEach((tp, om) -> offsets.put(tp.partition(), om.offset()));
        answer.put("offsets", offsets);
        return ApiResponse.ok(answer);
    }

    private Map<String, Object> lagOf(String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(groupId);
        Map<TopicPartition, Long> end = offsets(committed.keySet(), OffsetSpec.latest());
        List<Map<String, Object>> partitions = new ArrayList<>();
        long total = 0;
        for (TopicPartition tp : committedSorted(committed).values()) {
            long lag = Math.max(0, end.get(tp) - committed.get(tp).offset());
            total += lag;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", tp.topic());
            p.put("partition", tp.partition());
            p.put("committedOffset", committed.get(tp).offset());
            p.put("endOffset", end.get(tp));
            p.put("lag", lag);
            partitions.add(p);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("partitions", partitions);
        answer.put("totalLag", total);
        return answer;
    }

    private static Map<String, TopicPartition> committedSorted(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<String, TopicPartition> sorted = new TreeMap<>();
        committed.keySet().forEach(tp -> sorted.put(tp.topic() + "/" + String.format("%09d", tp.partition()), tp));
        return sorted;
    }

    private ConsumerGroupDescription group(String groupId) throws Exception {
        ConsumerGroupDescription group = client().describeConsumerGroups(List.of(groupId)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(groupId);
        if (group == null || "DEAD".equals(String.valueOf(group.groupState()))) {
            throw new HttpProblemException(404, "not_found", "consumer group " + groupId + " does not exist");
        }
        return group;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(client().listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        offsets.values().removeIf(java.util.Objects::isNull);
        return offsets;
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> found = client()
                .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> answer = new HashMap<>();
        found.forEach((tp, info) -> answer.put(tp, info.offset()));
        return answer;
    }

    private static long number(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || !value.canConvertToLong()) {
            throw HttpProblemException.badRequest("\"" + field + "\" must be a number");
        }
        return value.asLong();
    }

    private static long timestamp(JsonNode request) {
        JsonNode value = request.get("value");
        if (value != null && value.canConvertToLong()) {
            return value.asLong();
        }
        String text = value == null ? "" : value.asText();
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException again) {
                throw HttpProblemException.badRequest("\"value\" must be epoch millis or an ISO-8601 timestamp");
            }
        }
    }
}
