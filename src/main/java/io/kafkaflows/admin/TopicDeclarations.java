package io.kafkaflows.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics declared in configuration: {@code flows.topics.<name>.partitions}, {@code .replication-factor},
 * {@code .configs.<config>}. At start-up missing topics are created (without a declared replication factor with the
 * broker's {@code default.replication.factor}, so a cluster's topics are replicated like the cluster wants: a fixed 1
 * would leave a single copy on a 3-node cluster); for existing ones a partition increase is
 * applied, a decrease refused (logged: Kafka cannot shrink a topic), and config drift reported or, with
 * {@code flows.topics.reconcile=apply}, applied.
 */
public final class TopicDeclarations {

    static final String PREFIX = "flows.topics.";
    private static final Logger LOG = LoggerFactory.getLogger(TopicDeclarations.class);

    /** Replication factor when none is declared: the broker's {@code default.replication.factor}. */
    public static final short BROKER_DEFAULT_REPLICATION = -1;

    /** One declared topic ({@code replicationFactor} -1: the broker's default). */
    public record Declaration(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    }

    /** Parses flows.topics.* (topic names may contain dots; config names too). */
    public static List<Declaration> parse(Properties props) {
        Map<String, Map<String, String>> fields = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!key.startsWith(PREFIX) || key.equals(PREFIX + "reconcile") || key.equals(PREFIX + "timeout-ms")) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int configs = rest.indexOf(".configs.");
            String name;
            String field;
            if (configs > 0) {
                name = rest.substring(0, configs);
                field = rest.substring(configs + 1);
            } else {
                int dot = rest.lastIndexOf('.');
                if (dot <= 0) {
                    throw new IllegalArgumentException("not a topic declaration: " + key);
                }
                name = rest.substring(0, dot);
                field = rest.substring(dot + 1);
            }
            fields.computeIfAbsent(name, n -> new TreeMap<>()).put(field, props.getProperty(key).trim());
        }
        List<Declaration> declarations = new ArrayList<>();
        fields.forEach((name, f) -> {
            Map<String, String> configs = new TreeMap<>();
            f.forEach((k, v) -> {
                if (k.startsWith("configs.")) {
                    configs.put(k.substring("configs.".length()), v);
                } else if (!k.equals("partitions") && !k.equals("replication-factor")) {
                    throw new IllegalArgumentException("unknown field '" + k + "' in flows.topics." + name);
                }
            });
            declarations.add(new Declaration(name, Integer.parseInt(f.getOrDefault("partitions", "1")),
                    f.containsKey("replication-factor") ? Short.parseShort(f.get("replication-factor"))
                            : BROKER_DEFAULT_REPLICATION, configs));
        });
        return declarations;
    }

    /** Creates, grows and checks the declared topics; {@code apply} also rewrites drifted configs. */
    public static void reconcile(Admin admin, List<Declaration> declarations, boolean apply, long timeoutMs) throws Exception {
        if (declarations.isEmpty()) {
            return;
        }
        var existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (Declaration d : declarations) {
            if (!existing.contains(d.name())) {
                missing.add(new NewTopic(d.name(), d.partitions(), d.replicationFactor()).configs(d.configs()));
            }
        }
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            missing.forEach(t -> LOG.info("Created topic {} ({} partitions, replication factor {}, configs {})",
                    t.name(), t.numPartitions(), t.replicationFactor() == BROKER_DEFAULT_REPLICATION ? "broker default"
                            : t.replicationFactor(), t.configs()));
        }
        for (Declaration d : declarations) {
            if (existing.contains(d.name())) {
                check(admin, d, apply, timeoutMs);
            }
        }
    }

    private static void check(Admin admin, Declaration d, boolean apply, long timeoutMs) throws Exception {
        TopicDescription topic = admin.describeTopics(List.of(d.name())).allTopicNames()
                .get(timeoutMs, TimeUnit.MILLISECONDS).get(d.name());
        int current = topic.partitions().size();
        if (current < d.partitions()) {
            admin.createPartitions(Map.of(d.name(), NewPartitions.increaseTo(d.partitions()))).all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            LOG.info("Topic {}: partitions increased from {} to {}", d.name(), current, d.partitions());
        } else if (current > d.partitions()) {
            LOG.warn("Topic {} has {} partitions but {} are declared: not decreased (Kafka cannot shrink a topic);"
                    + " fix flows.topics.{}.partitions", d.name(), current, d.partitions(), d.name());
        }
        if (d.configs().isEmpty()) {
            return;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, d.name());
        Config config = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(resource);
        Map<String, String> drift = new HashMap<>();
        d.configs().forEach((name, wanted) -> {
            ConfigEntry entry = config.get(name);
            String actual = entry == null ? null : entry.value();
            if (!wanted.equals(actual)) {
                drift.put(name, actual + " -> " + wanted);
            }
        });
        if (drift.isEmpty()) {
            return;
        }
        if (apply) {
            List<AlterConfigOp> ops = new ArrayList<>();
            drift.keySet().forEach(name -> ops.add(new AlterConfigOp(new ConfigEntry(name, d.configs().get(name)),
                    AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            LOG.info("Topic {}: configs applied {}", d.name(), drift);
        } else {
            LOG.warn("Topic {}: config drift {} (flows.topics.reconcile=report; set apply to fix)", d.name(), drift);
        }
    }
}
