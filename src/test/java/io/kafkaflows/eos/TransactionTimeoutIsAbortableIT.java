package io.kafkaflows.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.broker.KafkaBrokerLauncher;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app frozen (SIGSTOP) in the middle of an exactly-once transaction for longer than transaction.timeout.ms
 * (3 s), but shorter than its session timeout: the coordinator aborts the transaction and bumps the producer epoch.
 * Resumed, the app's next transactional call fails with an error that is abortable since KIP-588, or (Kafka 4.3.1,
 * some runs) with ProducerFencedException: either way nobody else holds the transactional id, so the flow aborts
 * (replacing a fenced producer), reads again and goes on; it must not stop. The output
 * is exactly once, read to the end offsets with read_committed.
 */
class TransactionTimeoutIsAbortableIT extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void timedOutTransactionIsAbortedAndTheFlowGoesOn() throws Exception {
        int total = 30_000;
        KafkaBrokerLauncher broker = startBroker(Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
        try (TestKafka kafka = kafka(broker)) {
            String input = kafka.createTopic(unique("eos-timeout-in"), 1, Map.of());
            String output = kafka.createTopic(unique("eos-timeout-out"), 1, Map.of());
            String group = unique("eos-timeout-group");
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                records.add(new ProducerRecord<>(input, bytes("key-" + (i % 30)), bytes("{\"seq\":" + i + "}")));
            }
            kafka.produce(records);
            Map<String, String> settings = new HashMap<>(childAppSettings(unique("unused-consumer"), unique("unused-group")));
            String transactionalId = unique("eos-timeout");
            settings.put("camel.component.kafka.brokers", broker.bootstrapServers());
            settings.put("camel.component.kafka.session-timeout-ms", "45000");
            settings.put("camel.component.kafka.heartbeat-interval-ms", "3000");
            settings.put("camel.component.kafka.additional-properties[transaction.timeout.ms]", "3000");
            settings.put("flows.window.enabled", "false");
            settings.put("flows.eos.input-topic", input);
            settings.put("flows.eos.output-topic", output);
            settings.put("flows.eos.group-id", group);
            settings.put("flows.eos.transactional-id", transactionalId);
            String txId = transactionalId + "-exactly-once";
            try (AppProcess app = AppProcess.start(unique("eos-timeout"), settings, Map.of())) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> kafka.committed(group, input).getOrDefault(0, 0L) >= 2_000);
                // freeze with a transaction open (the flow is inside one most of the time while input is waiting)
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    app.pause();
                    if (state(kafka, txId) == TransactionState.ONGOING) {
                        return true;
                    }
                    app.resume();
                    return false;
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> state(kafka, txId) != TransactionState.ONGOING);
                TransactionState aborted = state(kafka, txId);
                app.resume();
                await().atMost(Duration.ofSeconds(180)).until(() -> kafka.committed(group, input).getOrDefault(0, 0L) == total);
                String log = app.output();
                app.stop();
                System.out.printf("transaction timeout: coordinator state while frozen %s; the app logged: %s%n", aborted,
                        log.lines().filter(l -> l.contains("Aborting transaction") || l.contains("was fenced") || l.contains("cannot go on")).findFirst().orElse("-"));
                assertTrue(!log.contains("cannot go on"), "the route stopped on an abortable error");
            }
            List<ConsumerRecord<byte[], byte[]>> out = kafka.readToEnd(output, "read_committed");
            Map<Integer, Integer> counts = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                counts.merge(JSON.readTree(r.value()).get("seq").asInt(), 1, Integer::sum);
            }
            assertEquals(total, counts.size(), "nothing missing");
            assertEquals(total, out.size(), "nothing twice");
        } finally {
            broker.stop();
        }
    }

    private static TransactionState state(TestKafka kafka, String txId) throws Exception {
        return kafka.admin().describeTransactions(List.of(txId)).all().get(10, TimeUnit.SECONDS).get(txId).state();
    }
}
