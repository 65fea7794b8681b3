package io.kafkaflows.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.Meters;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The transaction coordinator is unavailable while fetching works: a broker whose transaction log needs 3 replicas
 * it does not have (so FindCoordinator answers COORDINATOR_NOT_AVAILABLE and initTransactions times out), with 20
 * good records waiting. Such an infrastructure failure must never be retried in place as if the record were at
 * fault, nor dead-letter the record: no redelivery is counted, the dead-letter topic stays empty, nothing is
 * committed and the route keeps running, for three times max.block.ms plus the redelivery delays.
 */
class TransactionCoordinatorUnavailableTest extends KafkaTestSupport {

    private static KafkaBrokerLauncher broker;
    private static TestKafka kafka;

    @BeforeAll
    static void startBroker() {
        broker = startBroker(Map.of("transaction.state.log.replication.factor", "3"));
        kafka = kafka(broker);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
        broker.stop();
    }

    @Test
    void goodRecordsAreNeitherRetriedNorDeadLettered() {
        Properties props = appProperties();
        props.setProperty("camel.component.kafka.brokers", broker.bootstrapServers());
        props.setProperty("camel.component.kafka.max-block-ms", "2000");
        props.setProperty("flows.window.enabled", "false");
        String input = kafka.createTopic(props.getProperty("flows.eos.input-topic"), 1, Map.of());
        kafka.createTopic(props.getProperty("flows.eos.output-topic"), 1, Map.of());
        String dlq = kafka.createTopic(unique("eos-dead"), 1, Map.of());
        props.setProperty("flows.eos.dlq-topic", dlq);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(new ProducerRecord<>(input, bytes("k"), bytes("{\"seq\":" + i + "}")));
        }
        kafka.produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            // 3 x max.block.ms, plus the redelivery delays (200 + 400 + 800 ms) that a retry in place would take
            await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(20)).until(() ->
                    redeliveries(app) == 0 && kafka.endOffsetTotal(dlq) == 0
                            && kafka.committed(props.getProperty("flows.eos.group-id"), input).isEmpty()
                            && app.context().getRouteController().getRouteStatus("exactly-once").isStarted());
            assertEquals(0, kafka.endOffsetTotal(dlq));
        }
    }

    private static double redeliveries(InProcessApp app) {
        Counter counter = Meters.registry(app.context()).find("kafkaflows.redeliveries").tag("flow", "eos").counter();
        return counter == null ? 0 : counter.count();
    }
}
