package io.kafkaflows.guarantees;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A cell's own dead-letter topic (flows.dlq.topic): writable, or in the DLQ-unwritable cell limited to 8 KiB until
 * {@link #repair}, so that the 16 KiB poison records cannot be dead-lettered before.
 */
final class CellDeadLetterTopic {

    private final TestKafka kafka;
    private final String name;

    CellDeadLetterTopic(TestKafka kafka, String prefix, boolean unwritable) {
        this.kafka = kafka;
        this.name = kafka.createTopic(SequencedFlow.unique(prefix + "-dlq"), 1,
                unwritable ? Map.of("max.message.bytes", "8192") : Map.of());
    }

    String name() {
        return name;
    }

    /** The settings that send the cell's dead letters here, with short retries so that poison does not pace the cell. */
    void configure(Map<String, String> settings) {
        settings.put("flows.dlq.topic", name);
        settings.put("flows.dlq.failure-backoff-ms", "300");
        settings.put("flows.errors.initial-delay", "10");
        settings.put("flows.errors.max-delay", "50");
    }

    void repair() {
        try {
            kafka.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not raise max.message.bytes of " + name, e);
        }
    }

    /** The poison sequence numbers of the dead letters, read_committed to the end. */
    List<Integer> poisonSeqs() {
        kafka.awaitTransactionsDecided(name, Duration.ofSeconds(120));
        List<Integer> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(name, "read_committed")) {
            dead.add(SequencedInput.poisonSeqOf(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
        }
        return dead;
    }

    /** Inputs the group committed past the first poison record of each partition (poison: partition -> offset). */
    static long committedPast(TestKafka kafka, String group, String input, Map<Integer, Long> firstPoison) {
        long past = 0;
        for (Map.Entry<Integer, Long> e : kafka.committed(group, input).entrySet()) {
            Long poison = firstPoison.get(e.getKey());
            past += poison != null && e.getValue() > poison ? e.getValue() - poison : 0;
        }
        return past;
    }
}
