package io.kafkaflows.guarantees;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import io.kafkaflows.testsupport.TestKafka;

/**
 * What a flow needs to set up one cell: the broker's clients, the fault (poison cells change the input), the size,
 * how long writing the input takes (it is written while the app runs), the cell's seed, and fresh -D settings for an app instance (own ports, short session timeout, nothing shared).
 */
public record CellContext(TestKafka kafka, Fault fault, int records, int partitions, Duration inputSpan, long seed,
                          Supplier<Map<String, String>> appSettings) {

    public boolean poisoned() {
        return fault == Fault.POISON || fault == Fault.DLQ_UNWRITABLE;
    }
}
