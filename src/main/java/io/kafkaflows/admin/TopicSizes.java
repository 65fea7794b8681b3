package io.kafkaflows.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Records held and the sum of end offsets per topic, for the topic list (the dashboard derives record rates from
 * successive end offsets). Two offset lookups for every partition listed; a topic whose offsets are not served (a
 * partition without a leader) is left out.
 */
final class TopicSizes {

    /** records in the topic and the sum of its partitions' end offsets */
    record Size(long records, long endOffsets) {
    }

    private TopicSizes() {
    }

    static Map<String, Size> of(Admin admin, Map<String, TopicDescription> topics, long timeoutSeconds) {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        topics.forEach((name, description) -> {
            for (TopicPartitionInfo p : description.partitions()) {
                if (p.leader() != null) {
                    earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                }
            }
        });
        ListOffsetsOptions options = new ListOffsetsOptions().timeoutMs((int) TimeUnit.SECONDS.toMillis(timeoutSeconds));
        Map<TopicPartition, ListOffsetsResultInfo> begin = offsets(admin, earliest, options, timeoutSeconds);
        Map<TopicPartition, ListOffsetsResultInfo> end = offsets(admin, latest, options, timeoutSeconds);
        Map<String, Size> sizes = new HashMap<>();
        topics.forEach((name, description) -> {
            long records = 0;
            long endOffsets = 0;
            for (TopicPartitionInfo p : description.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partition());
                if (begin.get(tp) == null || end.get(tp) == null) {
                    return;
                }
                records += end.get(tp).offset() - begin.get(tp).offset();
                endOffsets += end.get(tp).offset();
            }
            sizes.put(name, new Size(records, endOffsets));
        });
        return sizes;
    }

    /** Each partition's answer on its own: one partition's failure leaves only its topic without a size. */
    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin admin, Map<TopicPartition, OffsetSpec> specs,
                                                                      ListOffsetsOptions options, long timeoutSeconds) {
        Map<TopicPartition, ListOffsetsResultInfo> answers = new HashMap<>();
        var result = admin.listOffsets(specs, options);
        for (TopicPartition tp : specs.keySet()) {
            try {
                answers.put(tp, result.partitionResult(tp).get(timeoutSeconds, TimeUnit.SECONDS));
            } catch (Exception e) {
                // not served now: the topic gets no size in this answer
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return answers;
    }
}
