package io.kafkaflows.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.http.HttpProblemException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Share groups (the queue flow's, KIP-932) through the shared admin client, for the REST API: state, members and
 * their assignments, and per partition the share-partition start offset (every record before it is done with) and
 * the lag the broker reports (records from the start offset on not yet acknowledged, in flight included), with
 * {@code totalLag}. The broker moves the start offset as acknowledgements are persisted, so both trail the consumers
 * by a little; a partition the group has not acknowledged anything on yet has no start offset, and both are null.
 */
public final class ShareGroupAdministration {

    private static final long TIMEOUT_SECONDS = 30;

    private SharedKafkaAdmin admin;

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public ApiResponse describe(String groupId) throws Exception {
        ShareGroupDescription group;
        try {
            group = admin.admin().describeShareGroups(List.of(groupId)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(groupId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException notFound) {
                throw new HttpProblemException(404, "not_found", notFound.getMessage());
            }
            throw e;
        }
        if (group == null || group.groupState() == GroupState.DEAD) {
            throw new HttpProblemException(404, "not_found", "share group " + groupId + " does not exist");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groupId", groupId);
        answer.put("state", String.valueOf(group.groupState()));
        List<Map<String, Object>> members = new ArrayList<>();
        for (ShareMemberDescription m : group.members()) {
            members.add(ConsumerGroupAdministration.member(m.consumerId(), m.clientId(), m.host(),
                    m.assignment().topicPartitions()));
        }
        answer.put("members", members);
        List<Map<String, Object>> partitions = new ArrayList<>();
        long total = 0;
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = offsets(admin.admin(), groupId);
        Set<TopicPartition> shown = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
                .thenComparing(TopicPartition::partition));
        shown.addAll(offsets.keySet());
        group.members().forEach(m -> shown.addAll(m.assignment().topicPartitions()));
        for (TopicPartition tp : shown) {
            // no position yet (nothing acknowledged on the partition so far): start offset and lag unknown
            SharePartitionOffsetInfo info = offsets.get(tp);
            Long lag = info == null ? null : info.lag().orElse(null);
            total += lag == null ? 0 : lag;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", tp.topic());
            p.put("partition", tp.partition());
            p.put("startOffset", info == null ? null : info.startOffset());
            p.put("lag", lag);
            partitions.add(p);
        }
        answer.put("partitions", partitions);
        answer.put("totalLag", total);
        return ApiResponse.ok(answer);
    }

    /** Every partition the group has a position on (none before its first acknowledgement on it). */
    static Map<TopicPartition, SharePartitionOffsetInfo> offsets(Admin admin, String groupId) throws Exception {
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = new LinkedHashMap<>(admin
                .listShareGroupOffsets(Map.of(groupId, new ListShareGroupOffsetsSpec()))
                .partitionsToOffsetInfo(groupId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        offsets.values().removeIf(java.util.Objects::isNull);
        return offsets;
    }
}
