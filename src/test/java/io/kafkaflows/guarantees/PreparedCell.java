package io.kafkaflows.guarantees;

import java.util.Map;

/** One cell, set up: its input written, its topics and group its own. */
public interface PreparedCell extends AutoCloseable {

    /** -D settings for one more app instance (own ports each call; same topics and group). */
    Map<String, String> settings();

    /** Environment of the app instances. */
    default Map<String, String> env() {
        return Map.of();
    }

    /** The flow's input topic and group, and the records written to it (the offsets the group must commit). */
    record Source(String topic, String group, long records) {
    }

    Source source();

    /** For the DLQ-unwritable cell: inputs committed past a poison record while its dead letter could not be written. */
    default long committedPastPoison() {
        return 0;
    }

    /** For the DLQ-unwritable cell: makes the dead-letter topic take the dead letters. */
    default void repairDeadLetterTopic() {
    }

    /** Counts the outputs (and dead letters) with independent readers, once the group committed every input. */
    Counts count();

    @Override
    default void close() {
    }
}
