package io.kafkaflows.kafka.aggregation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** A state store's changelog topic: compacted, created on first use if missing. */
final class ChangelogTopic {

    private ChangelogTopic() {
    }

    /** Returns the topic's partition count, creating it (compacted, {@code partitions}) if it does not exist. */
    static int ensure(Admin admin, String topic, int partitions, short replicationFactor) {
        try {
            try {
                return describe(admin, topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe changelog topic " + topic + ": " + e.getCause(), e.getCause());
                }
            }
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
                return partitions;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return describe(admin, topic); // created meanwhile by another instance
                }
                throw new IllegalStateException("cannot create changelog topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("changelog topic " + topic + " not available: " + e, e);
        }
    }

    private static int describe(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }
}
