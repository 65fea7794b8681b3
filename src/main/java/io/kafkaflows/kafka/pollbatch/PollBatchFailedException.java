package io.kafkaflows.kafka.pollbatch;

/**
 * A send of the current poll failed, so nothing of it was committed: never retried in place nor dead-lettered
 * (route configuration consumer-errors); the exchange fails and camel-kafka re-reads from the committed offsets.
 */
public class PollBatchFailedException extends RuntimeException {

    public PollBatchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
