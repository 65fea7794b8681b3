package io.kafkaflows.consumer;

import java.util.Locale;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kafkaflows.admin.SharedKafkaAdmin;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions a consumer group on a topic once, when the app starts and before the route's consumer joins:
 * {@code beginning}, {@code end} or an ISO-8601 timestamp (the first record at or after it; the end if none).
 * Done like {@code kafka-consumer-groups --reset-offsets}: the group's committed offsets are rewritten through the
 * admin client, so rebalances later never seek again (unlike camel-kafka's {@code seekTo}, which seeks on every
 * assignment). Skipped with a warning if the group has active members. Empty {@code seek}: nothing happens.
 */
public final class ConsumerGroupSeekRoutePolicy extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupSeekRoutePolicy.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final AtomicBoolean done = new AtomicBoolean();
    private SharedKafkaAdmin admin;
    private String seek = "";
    private String topic;
    private String groupId;

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public void setSeek(String seek) {
        this.seek = seek == null ? "" : seek.trim();
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public void onInit(Route route) {
        if (seek.isEmpty() || !done.compareAndSet(false, true)) {
            return;
        }
        OffsetSpec spec = parse(seek);
        try {
            position(admin.admin(), spec);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while positioning group " + groupId, e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not position group " + groupId + " on " + topic + " at '"
                    + seek + "': " + e.getMessage(), e);
        }
    }

    /** beginning | end | ISO-8601 instant or offset date-time. */
    static OffsetSpec parse(String seek) {
        switch (seek.toLowerCase(Locale.ROOT)) {
            case "beginning":
                return OffsetSpec.earliest();
            case "end":
                return OffsetSpec.latest();
            default:
                return OffsetSpec.forTimestamp(timestampOf(seek));
        }
    }

    /** Epoch millis of an ISO-8601 instant (2026-01-31T10:00:00Z) or offset date-time (...T11:00:00+01:00). */
    static long timestampOf(String seek) {
        try {
            return OffsetDateTime.parse(seek).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(seek).toEpochMilli();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException("flows.consumer.seek must be 'beginning', 'end' or an"
                        + " ISO-8601 timestamp such as 2026-01-31T10:00:00Z, not '" + seek + "'");
            }
        }
    }

    private void position(Admin admin, OffsetSpec spec) throws Exception {
        if (hasActiveMembers(admin)) {
            LOG.warn("Not positioning group {} at '{}': it has active members (another instance is running)", groupId, seek);
            return;
        }
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                LOG.info("Topic {} does not exist yet; group {} starts from auto.offset.reset", topic, groupId);
                return;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), spec));
        Map<TopicPartition, ListOffsetsResultInfo> found = admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> beyondLast = new HashMap<>();
        found.forEach((tp, info) -> {
            if (info.offset() < 0) {
                beyondLast.put(tp, OffsetSpec.latest());
            }
        });
        Map<TopicPartition, ListOffsetsResultInfo> ends = beyondLast.isEmpty() ? Map.of()
                : admin.listOffsets(beyondLast).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        found.forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(
                info.offset() >= 0 ? info.offset() : ends.get(tp).offset())));
        admin.alterConsumerGroupOffsets(groupId, offsets).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Positioned group {} on {} at '{}': {}", groupId, topic, seek, offsets);
    }

    private boolean hasActiveMembers(Admin admin) throws Exception {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId))
                    .describedGroups().get(groupId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return !group.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw e;
        }
    }
}
