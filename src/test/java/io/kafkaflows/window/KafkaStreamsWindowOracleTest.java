package io.kafkaflows.window;

import java.time.Duration;
import java.util.List;

import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static io.kafkaflows.window.WindowInputGenerator.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proves the Kafka Streams oracle itself on hand-written input whose results are worked out by hand.
 * <p>
 * Tumbling windows of 10 s with 2 s grace, one partition, times relative to a base one day ago aligned to a minute:
 * a@1s=1, a@5s=2, b@11s=8, a@9s=64 (out of order, stream time 11 s, window [0,10) closes only at 12 s: kept),
 * a@12s=4 (stream time 12 s: [0,10) closes and is emitted), a@3s=16 (late: dropped), a@11s=32 (out of order within
 * grace: kept), then a flush record far ahead. Expected: a[0,10) = {1,2,64}, a[10,20) = {4,32}, b[10,20) = {8};
 * nothing for the flush key, whose window never closes.
 * <p>
 * Session windows with a 5 s gap and no grace: a@4s=3, then a@1s=1 (out of order, within the gap) merge into one
 * session [1s, 4s] (Kafka Streams' session end is inclusive: the last record's timestamp); a@20s=5 is a session of
 * its own [20s, 20s]; then the flush record.
 * <p>
 * Same session windows, documenting a Kafka Streams rule the oracle inherits: a@0s=1, a@5s=2 form [0s, 5s]; x@10s
 * moves stream time to 10 s, which closes and emits [0s, 5s] (end + gap + grace &lt;= stream time). Then a@6s=4 is
 * within the gap of that closed session but not late (6 s &gt;= stream time - gap - grace): it is neither dropped nor
 * merged; it starts a new session [6s, 6s] (the store no longer returns sessions that ended before stream time -
 * gap - grace + 1).
 */
class KafkaStreamsWindowOracleTest extends KafkaTestSupport {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final long BASE = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 60_000 * 60_000;

    @Test
    void tumblingWindowsEmitFinalResultsAndDropLateRecords() {
        String input = createTopic(unique("oracle-tumbling-in"), 1);
        String output = createTopic(unique("oracle-tumbling-out"), 1);
        produce(List.of(
                at(input, 1, "a", 1), at(input, 5, "a", 2), at(input, 11, "b", 8), at(input, 9, "a", 64),
                at(input, 12, "a", 4), at(input, 3, "a", 16), at(input, 11, "a", 32), at(input, 1_000, "flush-p0", 1)));

        KafkaStreamsWindowOracle.run(bootstrapServers(), admin(), input, output,
                OracleWindows.tumbling(Duration.ofSeconds(10), Duration.ofSeconds(2)), TIMEOUT);
        List<WindowResultRow> rows = WindowResultRow.sorted(readToEnd(output, "read_committed"));

        assertEquals(List.of(
                row("a", 0, 10, 3, 67, 1, 64),
                row("a", 10, 20, 2, 36, 4, 32),
                row("b", 10, 20, 1, 8, 8, 8)), rows);
    }

    @Test
    void sessionWindowsMergeRecordsWithinTheGap() {
        String input = createTopic(unique("oracle-session-in"), 1);
        String output = createTopic(unique("oracle-session-out"), 1);
        produce(List.of(at(input, 4, "a", 3), at(input, 1, "a", 1), at(input, 20, "a", 5), at(input, 1_000, "flush-p0", 1)));

        KafkaStreamsWindowOracle.run(bootstrapServers(), admin(), input, output,
                OracleWindows.session(Duration.ofSeconds(5), Duration.ZERO), TIMEOUT);
        List<WindowResultRow> rows = WindowResultRow.sorted(readToEnd(output, "read_committed"));

        assertEquals(List.of(row("a", 1, 4, 2, 4, 1, 3), row("a", 20, 20, 1, 5, 5, 5)), rows);
    }

    @Test
    void recordWithinTheGapOfAClosedSessionStartsANewSession() {
        String input = createTopic(unique("oracle-closed-session-in"), 1);
        String output = createTopic(unique("oracle-closed-session-out"), 1);
        produce(List.of(at(input, 0, "a", 1), at(input, 5, "a", 2), at(input, 10, "x", 7), at(input, 6, "a", 4),
                at(input, 1_000, "flush-p0", 1)));

        KafkaStreamsWindowOracle.run(bootstrapServers(), admin(), input, output,
                OracleWindows.session(Duration.ofSeconds(5), Duration.ZERO), TIMEOUT);
        List<WindowResultRow> rows = WindowResultRow.sorted(readToEnd(output, "read_committed"));

        assertEquals(List.of(row("a", 0, 5, 2, 3, 1, 2), row("a", 6, 6, 1, 4, 4, 4), row("x", 10, 10, 1, 7, 7, 7)), rows);
    }

    private static ProducerRecord<byte[], byte[]> at(String topic, long second, String key, int value) {
        return record(topic, 0, BASE + second * 1000, key, value);
    }

    private static WindowResultRow row(String key, long startSecond, long endSecond, long count, double sum, double min, double max) {
        return new WindowResultRow(key, BASE + startSecond * 1000, BASE + endSecond * 1000, count, sum, min, max, sum / count);
    }
}
