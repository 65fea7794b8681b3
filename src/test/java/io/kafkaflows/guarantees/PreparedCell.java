package io.kafkaflows.guarantees;

import java.util.List;
import java.util.Map;

import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** One cell, set up: its topics and group its own, its input ready to be written. */
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

    /**
     * How far the flow got, what fault points and the end of the cell are measured in: by default the offsets its
     * group committed on the input topic, summed.
     */
    default long progress(TestKafka kafka) {
        return kafka.committed(source().group(), source().topic()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The input, in the order the runner writes it (while the app runs, see {@link PacedProducer}). */
    List<ProducerRecord<byte[], byte[]>> input();

    /** Called with the input's metadata once all of it is written. */
    default void written(List<RecordMetadata> metadata) {
    }

    /**
     * For the DLQ-unwritable cell, once the input is written: inputs committed past a poison record while its dead
     * letter could not be written.
     */
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
