package io.kafkaflows.window;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential test against Kafka Streams (the oracle): the same generated input (several keys, out-of-order
 * timestamps, records within and beyond the grace period, a final record per partition that closes every window)
 * goes through a Kafka Streams topology ({@code TimeWindows.ofSizeAndGrace} / {@code SessionWindows
 * .ofInactivityGapAndGrace}, {@code suppress(untilWindowCloses)}) and through the windowed-aggregation flow; the
 * emitted windows must be equal record for record (compared sorted by key and window).
 */
class WindowedAggregationDifferentialTest extends KafkaTestSupport {

    static Stream<Arguments> cases() {
        OracleWindows tumbling = OracleWindows.tumbling(Duration.ofSeconds(10), Duration.ofSeconds(3));
        OracleWindows hopping = OracleWindows.hopping(Duration.ofSeconds(10), Duration.ofSeconds(4), Duration.ofSeconds(2));
        OracleWindows session = OracleWindows.session(Duration.ofSeconds(5), Duration.ofSeconds(2));
        return Stream.of(Arguments.of(tumbling, 1), Arguments.of(tumbling, 3), Arguments.of(hopping, 1),
                Arguments.of(hopping, 3), Arguments.of(session, 1), Arguments.of(session, 3));
    }

    @ParameterizedTest(name = "{0} over {1} partition(s)")
    @MethodSource("cases")
    void flowEmitsExactlyWhatKafkaStreamsEmits(OracleWindows windows, int partitions) {
        Properties props = appProperties();
        String input = createTopic(props.getProperty("flows.window.input-topic"), partitions);
        String output = createTopic(props.getProperty("flows.window.output-topic"), partitions);
        createTopic(props.getProperty("flows.window.late-topic"), 1);
        String oracleOutput = createTopic(unique("window-oracle-out"), partitions);
        long base = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 60_000 * 60_000;
        List<ProducerRecord<byte[], byte[]>> records = WindowInputGenerator.generate(input, partitions,
                42L + partitions, 7, 600, base, windows);
        produce(records);

        KafkaStreamsWindowOracle.run(bootstrapServers(), admin(), input, oracleOutput, windows, Duration.ofSeconds(90));
        List<WindowResultRow> expected = WindowResultRow.sorted(readToEnd(oracleOutput, "read_committed"));
        assertTrue(expected.size() > 20, "the oracle emitted " + expected.size() + " windows");

        props.setProperty("flows.window.type", windows.type());
        props.setProperty("flows.window.size", windows.size().toString());
        props.setProperty("flows.window.advance", windows.advance().toString());
        props.setProperty("flows.window.gap", windows.gap().toString());
        props.setProperty("flows.window.grace", windows.grace().toString());
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> committedTotal(props.getProperty("flows.window.group-id"), input) == records.size());
        }
        List<WindowResultRow> actual = WindowResultRow.sorted(readToEnd(output, "read_committed"));
        assertEquals(expected.size(), actual.size(), "windows emitted");
        assertEquals(expected, actual);
        LoggerFactory.getLogger(getClass()).info("{} over {} partition(s): {} input records, {} windows equal to Kafka Streams'",
                windows, partitions, records.size(), actual.size());
    }
}
