package io.kafkaflows.deadletter;

/**
 * Names of the context headers every dead-letter record carries (values are UTF-8 text), in the spirit of Kafka
 * Connect's {@code errors.deadletterqueue.context.headers.enable}. The record's own key, value and headers are kept
 * unchanged beside them.
 */
public final class DeadLetterHeaders {

    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String SOURCE_TIMESTAMP = "dlq.source.timestamp";
    public static final String EXCEPTION_CLASS = "dlq.exception.class";
    public static final String EXCEPTION_MESSAGE = "dlq.exception.message";
    public static final String EXCEPTION_STACKTRACE = "dlq.exception.stacktrace";
    public static final String ATTEMPTS = "dlq.attempts";
    public static final String ROUTE = "dlq.route";
    public static final String FLOW = "dlq.flow";
    public static final String FAILED_AT = "dlq.failed.at";
    /** Set when the original value made the dead-letter record too large: the value is then left out. */
    public static final String VALUE_OMITTED = "dlq.value.omitted";
    /** A queue record's delivery count (kafka-queue: consumers): how many times the share group handed it out. */
    public static final String DELIVERY_COUNT = "dlq.delivery.count";
    /** How many times a record was re-published by DLQ replay. */
    public static final String REPLAY_COUNT = "dlq.replay.count";

    private DeadLetterHeaders() {
    }

    /** Context headers of an earlier dead-lettering are replaced; the replay count is kept (it is the loop guard). */
    static boolean isContextHeader(String name) {
        return name.startsWith("dlq.") && !name.equals(REPLAY_COUNT);
    }
}
