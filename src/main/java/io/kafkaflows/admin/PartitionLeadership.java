package io.kafkaflows.admin;

import java.util.List;

import io.kafkaflows.http.RetryLaterException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether the partitions of a topic that exists are served yet. Right after a create (or while leaders move) Kafka
 * answers UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition"), NOT_LEADER_OR_FOLLOWER or
 * LEADER_NOT_AVAILABLE, or a partition has no leader; for a topic known to exist that means "retry shortly":
 * 503 {@code leader_not_available} with {@code Retry-After}, never 404.
 */
final class PartitionLeadership {

    static final String ERROR = "leader_not_available";
    static final int RETRY_AFTER_SECONDS = 1;

    private PartitionLeadership() {
    }

    /** Partitions of the description without a leader. */
    static List<Integer> leaderless(TopicDescription description) {
        return description.partitions().stream().filter(p -> p.leader() == null || p.leader().isEmpty())
                .map(TopicPartitionInfo::partition).toList();
    }

    /** True if the failure, of a call about a topic that exists, means its partitions' leaders are not serving yet. */
    static boolean isElecting(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnknownTopicOrPartitionException || t instanceof NotLeaderOrFollowerException
                    || t instanceof LeaderNotAvailableException || t instanceof TimeoutException
                    || t instanceof RetryLaterException) {
                return true;
            }
        }
        return false;
    }

    static RetryLaterException retryLater(String topic, String why) {
        return new RetryLaterException(ERROR, "topic " + topic + " exists, but " + why + ": retry in "
                + RETRY_AFTER_SECONDS + " s", RETRY_AFTER_SECONDS);
    }
}
