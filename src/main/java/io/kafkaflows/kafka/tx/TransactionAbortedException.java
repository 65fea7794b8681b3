package io.kafkaflows.kafka.tx;

/**
 * The consumer's transaction was aborted (or its producer closed): nothing of it is visible, and the route must
 * re-read from the last committed offsets. Never retried in place and never dead-lettered (route configuration
 * exactly-once): the exchange fails, and camel-kafka (breakOnFirstError) re-reads.
 */
public class TransactionAbortedException extends RuntimeException {

    public TransactionAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
