package io.kafkaflows.deadletter;

/** The dead-letter record could not be written; the source offset must not be committed. */
public class DeadLetterWriteException extends RuntimeException {

    public DeadLetterWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
