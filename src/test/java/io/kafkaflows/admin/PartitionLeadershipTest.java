package io.kafkaflows.admin;

import java.util.List;
import java.util.concurrent.ExecutionException;

import io.kafkaflows.http.HttpErrorResponseProcessor;
import io.kafkaflows.http.HttpProblemException;
import io.kafkaflows.http.RetryLaterException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 503 path of the admin API for a topic that exists: which failures mean "leaders are being elected" (the
 * errors Kafka answers for a topic it just created, as futures deliver them), which partitions lack a leader, and
 * the problem they become (503 leader_not_available with Retry-After, never 404).
 */
class PartitionLeadershipTest {

    private static final Node BROKER = new Node(1, "127.0.0.1", 9092);

    @Test
    void electionErrorsOfAnExistingTopicAreRetryLater() {
        for (Throwable t : List.of(new UnknownTopicOrPartitionException("This server does not host this topic-partition."),
                new NotLeaderOrFollowerException("moved"), new LeaderNotAvailableException("electing"),
                new TimeoutException("Timed out waiting for a node assignment. Call: listOffsets-on-leader"))) {
            assertTrue(PartitionLeadership.isElecting(new ExecutionException(t)), t.toString());
        }
        for (Throwable t : List.of(new TopicAuthorizationException("denied"), new InvalidTopicException("bad name"),
                new java.util.concurrent.TimeoutException("the future, not Kafka"), new IllegalStateException("bug"))) {
            assertFalse(PartitionLeadership.isElecting(new ExecutionException(t)), t.toString());
        }
    }

    @Test
    void partitionsWithoutLeaderAreFound() {
        TopicDescription topic = new TopicDescription("orders", false, List.of(
                new TopicPartitionInfo(0, BROKER, List.of(BROKER), List.of(BROKER)),
                new TopicPartitionInfo(1, null, List.of(BROKER), List.of()),
                new TopicPartitionInfo(2, Node.noNode(), List.of(BROKER), List.of())));
        assertEquals(List.of(1, 2), PartitionLeadership.leaderless(topic));
    }

    @Test
    void retryLaterIs503WithRetryAfterNot404() {
        RetryLaterException retry = PartitionLeadership.retryLater("orders", "partitions [1] have no leader");
        HttpProblemException problem = HttpErrorResponseProcessor.toProblem(new ExecutionException(retry));
        assertEquals(503, problem.status());
        assertEquals("leader_not_available", problem.error());
        assertTrue(problem.getMessage().contains("orders") && problem.getMessage().contains("[1]"), problem.getMessage());
        assertEquals(PartitionLeadership.RETRY_AFTER_SECONDS, ((RetryLaterException) problem).retryAfterSeconds());
        assertTrue(PartitionLeadership.isElecting(retry), "the create's wait goes on while the leaders are missing");
    }
}
