package io.kafkaflows.admin;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Declared topics (flows.topics.*) at app start: a missing topic is created with its configs, an existing one grows
 * to the declared partitions but never shrinks, and config drift is left alone (report) or fixed (apply).
 */
class TopicDeclarationsTest extends KafkaTestSupport {

    @Test
    void parsesDottedTopicAndConfigNames() {
        Properties props = new Properties();
        props.setProperty("flows.topics.orders.v1.partitions", "6");
        props.setProperty("flows.topics.orders.v1.replication-factor", "3");
        props.setProperty("flows.topics.orders.v1.configs.retention.ms", "1000");
        props.setProperty("flows.topics.reconcile", "apply");
        List<TopicDeclarations.Declaration> parsed = TopicDeclarations.parse(props);
        assertEquals(List.of(new TopicDeclarations.Declaration("orders.v1", 6, (short) 3, Map.of("retention.ms", "1000"))), parsed);
    }

    /** Without a declared replication factor the broker's default.replication.factor applies (3 on a cluster), not 1. */
    @Test
    void replicationFactorDefaultsToTheBrokers() {
        Properties props = new Properties();
        props.setProperty("flows.topics.dead-letter.partitions", "1");
        assertEquals(List.of(new TopicDeclarations.Declaration("dead-letter", 1, TopicDeclarations.BROKER_DEFAULT_REPLICATION,
                Map.of())), TopicDeclarations.parse(props));
    }

    @Test
    void createsGrowsRefusesToShrinkAndReportsOrAppliesDrift() throws Exception {
        String created = unique("declared-new");
        String grown = createTopic(unique("declared-grow"), 1);
        String kept = createTopic(unique("declared-shrink"), 3);
        String drifted = createTopic(unique("declared-drift"), 1, Map.of("retention.ms", "1000"));
        Properties props = appProperties();
        // values are resolved like any property: a placeholder works
        props.setProperty("test.partitions", "2");
        props.setProperty("flows.topics." + created + ".partitions", "{{test.partitions}}");
        props.setProperty("flows.topics." + created + ".configs.retention.ms", "3600000");
        props.setProperty("flows.topics." + grown + ".partitions", "3");
        props.setProperty("flows.topics." + kept + ".partitions", "1");
        props.setProperty("flows.topics." + drifted + ".partitions", "1");
        props.setProperty("flows.topics." + drifted + ".configs.retention.ms", "7200000");
        try (InProcessApp app = InProcessApp.start(props)) {
            assertEquals(2, partitions(created));
            assertEquals("3600000", config(created, "retention.ms"));
            assertEquals(3, partitions(grown));
            assertEquals(3, partitions(kept), "never decreased");
            assertEquals("1000", config(drifted, "retention.ms"), "report only");
        }
        props.setProperty("flows.topics.reconcile", "apply");
        try (InProcessApp app = InProcessApp.start(props)) {
            assertEquals("7200000", config(drifted, "retention.ms"), "applied");
        }
    }

    private static int partitions(String topic) throws Exception {
        return admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    private static String config(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(name).value();
    }
}
