package io.kafkaflows.kafka.sink;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import io.kafkaflows.kafka.pollbatch.KafkaPollBatchEndpoint;
import io.kafkaflows.kafka.tx.KafkaTxEndpoint;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.model.RouteDefinition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * On the real broker, inside the running app: kafka-tx: and kafka-poll-batch: write the headers a kafka: producer
 * writes (the Kafka component's header filter strategy: a "kafka." header, in any case, is left out, which the sinks
 * used to write; a header of the input record and one the route set are kept) and honour {@link KafkaConstants#PARTITION_KEY}. Each test route writes one record
 * through the sink and, after it, the same message through a kafka: producer as the reference.
 */
class KafkaSinkRecordsTest extends KafkaTestSupport {

    private static final int PARTITIONS = 3;
    private static InProcessApp app;

    @BeforeAll
    static void startApp() {
        Properties props = appProperties();
        props.setProperty("flows.eos.enabled", "false");
        props.setProperty("flows.window.enabled", "false");
        app = InProcessApp.start(props);
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {KafkaPollBatchEndpoint.SCHEME, KafkaTxEndpoint.SCHEME})
    void headersAreFilteredLikeAKafkaProducerDoes(String scheme) throws Exception {
        Written written = writeOne(scheme, null);
        assertEquals(names(written.reference), names(written.sink), "the same headers as kafka: writes");
        assertArrayEquals(bytes("kept"), written.sink.headers().lastHeader("trace-id").value());
        assertArrayEquals(bytes("from-input"), written.sink.headers().lastHeader("origin").value());
        assertNull(written.sink.headers().lastHeader("kafka.trace"), "kafka: drops kafka.* headers");
        assertNull(written.sink.headers().lastHeader("KAFKA.Trace"), "in any case (the app's strict strategy)");
        assertNull(written.sink.headers().lastHeader(KafkaConstants.PARTITION_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {KafkaPollBatchEndpoint.SCHEME, KafkaTxEndpoint.SCHEME})
    void thePartitionKeyHeaderChoosesThePartition(String scheme) throws Exception {
        String key = "user-1";
        // where Kafka's partitioner puts the key; the header names another partition
        int byKey = Utils.toPositive(Utils.murmur2(bytes(key))) % PARTITIONS;
        int chosen = (byKey + 1) % PARTITIONS;
        Written written = writeOne(scheme, chosen);
        assertEquals(chosen, written.reference.partition(), "kafka: writes to the header's partition");
        assertEquals(chosen, written.sink.partition(), scheme + " writes to the header's partition, not the key's");
        assertArrayEquals(bytes(key), written.sink.key());
    }

    private record Written(ConsumerRecord<byte[], byte[]> sink, ConsumerRecord<byte[], byte[]> reference) {
    }

    /** One input record through a route: set headers, write through the sink, then through kafka: as reference. */
    private static Written writeOne(String scheme, Integer partition) throws Exception {
        String input = createTopic(unique(scheme + "-in"), 1);
        String output = createTopic(unique(scheme + "-out"), PARTITIONS);
        String reference = createTopic(unique(scheme + "-ref"), PARTITIONS);
        boolean tx = KafkaTxEndpoint.SCHEME.equals(scheme);
        // a lambda, not a RouteBuilder subclass: the app's package scan would pick that one up at start
        RouteBuilder.addRoutes(app.context(), routes -> {
            RouteDefinition route = routes.from("kafka:" + input + "?groupId=" + unique("sink-group")
                    + "&autoOffsetReset=earliest&allowManualCommit=true&breakOnFirstError=true"
                    + "&kafkaManualCommitFactory=#consumerBoundCommitFactory"
                    + (tx ? "&isolationLevel=read_committed" : ""))
                    .routeId(unique(scheme + "-route"));
            if (tx) {
                route.routePolicyRef("transactionCommitPolicy");
            }
            route.setHeader("trace-id", routes.constant("kept"))
                    .setHeader("kafka.trace", routes.constant("dropped"))
                    .setHeader("KAFKA.Trace", routes.constant("dropped"));
            if (partition != null) {
                route.setHeader(KafkaConstants.PARTITION_KEY, routes.constant(partition));
            }
            route.to(scheme + ":" + output)
                    .to("kafka:" + reference);
            if (!tx) {
                route.process("offsetCommitProcessor");
            }
        });
        ProducerRecord<byte[], byte[]> in = new ProducerRecord<>(input, bytes("user-1"), bytes("{\"n\":1}"));
        in.headers().add(new RecordHeader("origin", bytes("from-input")));
        produce(List.of(in));
        List<ConsumerRecord<byte[], byte[]>> sink = readAll(output, "read_committed", 1, Duration.ofSeconds(60));
        List<ConsumerRecord<byte[], byte[]>> ref = readAll(reference, "read_committed", 1, Duration.ofSeconds(60));
        assertEquals(1, sink.size(), "written through " + scheme);
        assertEquals(1, ref.size(), "written through kafka:");
        return new Written(sink.get(0), ref.get(0));
    }

    private static Set<String> names(ConsumerRecord<byte[], byte[]> record) {
        Set<String> names = new TreeSet<>();
        for (Header h : record.headers()) {
            names.add(h.key());
        }
        return names;
    }
}
