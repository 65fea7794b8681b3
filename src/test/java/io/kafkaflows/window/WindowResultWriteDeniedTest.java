package io.kafkaflows.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.SecureKafkaApp;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A window result that cannot be written: on the secured broker the app's user may do everything the flow needs
 * except WRITE to the window output topic (a DENY ACL). The failure happens inside the aggregate EIP's completion,
 * where Camel only logs it; the transaction is then refused for the rest of the poll, so the input offsets and the
 * changelog (the closed windows' deletes) never commit past a result that was not written: when the route has
 * stopped (Kafka denies access), at most the first record (whose window is still open) is committed.
 */
class WindowResultWriteDeniedTest extends KafkaTestSupport {

    private static final long BASE = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 1000 * 1000;

    @Test
    void unwrittenResultIsNeverCommittedPast() {
        TestKafka kafka = secureKafka();
        String user = unique("window-app");
        String password = "pw-" + unique("s");
        createScramUser(user, password);
        String prefix = unique("wdeny") + ".";
        SecureKafkaApp.grant(kafka.admin(), SecureKafkaApp.allFlows(user, prefix));
        Properties props = SecureKafkaApp.underPrefix(secureAppProperties(user, password), prefix);
        props.setProperty("flows.window.type", "tumbling");
        props.setProperty("flows.window.size", "PT1S");
        props.setProperty("flows.window.grace", "PT0S");
        props.setProperty("flows.window.time-field", "");
        props.setProperty("flows.eos.enabled", "false");
        // two records per poll: the failed result's record is the last of its poll, whose commit follows at once
        props.setProperty("flows.window.max-poll-records", "2");
        String input = kafka.createTopic(props.getProperty("flows.window.input-topic"), 1, Map.of());
        String output = kafka.createTopic(props.getProperty("flows.window.output-topic"), 1, Map.of());
        kafka.createTopic(props.getProperty("flows.window.late-topic"), 1, Map.of());
        SecureKafkaApp.grant(kafka.admin(), List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, output,
                PatternType.LITERAL), new AccessControlEntry("User:" + user, "*", AclOperation.WRITE, AclPermissionType.DENY))));
        String group = props.getProperty("flows.window.group-id");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            records.add(new ProducerRecord<>(input, 0, BASE + i * 1000L, bytes("k-" + i), bytes("{\"value\":" + i + "}")));
        }
        kafka.produce(records);
        try (InProcessApp app = InProcessApp.start(props)) {
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    app.context().getRouteController().getRouteStatus("windowed-aggregation").isStopped());
        }
        long committed = kafka.committed(group, input).values().stream().mapToLong(Long::longValue).sum();
        System.out.println("output write denied: committed " + committed + " of 500 inputs, "
                + kafka.endOffsetTotal(output) + " results");
        assertTrue(committed <= 1, "offsets committed past " + (committed - 1) + " results that were never written");
        assertEquals(0, kafka.readToEnd(output, "read_committed").size());
    }
}
