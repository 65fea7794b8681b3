package io.kafkaflows.kafka;

/**
 * A poll handled as one exchange (the consumer flow's batch sink) failed as a whole, e.g. a record's dead letter
 * could not be written: nothing of the poll is committed, and it is read again from the committed offsets.
 */
public class PollFailedException extends RuntimeException {

    public PollFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
