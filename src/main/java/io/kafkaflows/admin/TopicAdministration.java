package io.kafkaflows.admin;

import io.kafkaflows.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.http.HttpProblemException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Topics through the shared admin client, for the REST API (routes/admin.camel.yaml): list, create, describe
 * (configs; per partition leader, replicas, ISR, begin/end offsets, record count), delete, alter configs, add
 * partitions (a decrease is refused: Kafka cannot shrink a topic). Destructive calls are refused while
 * {@code flows.admin.read-only} is true. A create (or added partitions) answers once every partition has a leader
 * serving it, waiting at most {@code flows.admin.leader-wait-ms}; a topic that exists but whose leaders are not
 * serving yet answers 503 with Retry-After ({@link PartitionLeadership}), never 404.
 */
public final class TopicAdministration {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final long TIMEOUT_SECONDS = 30;
    /** sizes are extra in a topic list: a partition that does not answer within this leaves its topic without one */
    private static final long SIZE_TIMEOUT_SECONDS = 5;
    /** Kafka's own max.block.ms default, if neither property is set. */
    private static final long DEFAULT_LEADER_WAIT_MS = 60_000;
    private static final long LEADER_POLL_MS = 100;

    private SharedKafkaAdmin admin;
    private boolean readOnly;

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    private Admin client() {
        return admin.admin();
    }

    /** {@code flows.admin.leader-wait-ms} (application.properties: camel.component.kafka.max-block-ms). */
    long leaderWaitMs() {
        var properties = admin.getCamelContext().getPropertiesComponent();
        return properties.resolveProperty("flows.admin.leader-wait-ms")
                .or(() -> properties.resolveProperty("camel.component.kafka.max-block-ms"))
                .map(Long::parseLong).orElse(DEFAULT_LEADER_WAIT_MS);
    }

    void checkWritable() {
        if (readOnly) {
            throw new HttpProblemException(403, "read_only", "the admin API is read-only (flows.admin.read-only=true)");
        }
    }

    public ApiResponse list() throws Exception {
        Collection<String> names = client().listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = client().describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, TopicSizes.Size> sizes = TopicSizes.of(client(), described, SIZE_TIMEOUT_SECONDS);
        List<Map<String, Object>> topics = new ArrayList<>();
        new TreeMap<>(described).forEach((name, d) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", name);
            t.put("partitions", d.partitions().size());
            t.put("replicationFactor", d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size());
            TopicSizes.Size size = sizes.get(name);
            t.put("records", size == null ? null : size.records());
            t.put("endOffsets", size == null ? null : size.endOffsets());
            topics.add(t);
        });
        return ApiResponse.ok(topics);
    }

    public ApiResponse create(byte[] body) throws Exception {
        checkWritable();
        JsonNode request = json(body);
        String name = request.path("name").asText(null);
        if (name == null || name.isBlank()) {
            throw HttpProblemException.badRequest("\"name\" is required");
        }
        int partitions = request.path("partitions").asInt(1);
        short replication = (short) request.path("replicationFactor").asInt(1);
        if (partitions < 1 || replication < 1) {
            throw HttpProblemException.badRequest("partitions and replicationFactor must be at least 1");
        }
        Map<String, String> configs = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = request.path("configs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            configs.put(e.getKey(), e.getValue().asText());
        }
        client().createTopics(List.of(new NewTopic(name, partitions, replication).configs(configs)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return ApiResponse.created(describeWhenServed(name));
    }

    public ApiResponse describe(String name) throws Exception {
        return ApiResponse.ok(describeTopic(name));
    }

    /** {@code {"topic","records"}}: records currently in the topic (0 if it does not exist yet). */
    public ApiResponse records(String name) throws Exception {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("topic", name);
        long records = 0;
        if (client().listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).contains(name)) {
            for (Object p : (List<?>) describeTopic(name).get("partitions")) {
                records += (Long) ((Map<?, ?>) p).get("records");
            }
        }
        answer.put("records", records);
        return ApiResponse.ok(answer);
    }

    public ApiResponse delete(String name) throws Exception {
        checkWritable();
        client().deleteTopics(List.of(name)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return ApiResponse.noContent();
    }

    public ApiResponse alterConfigs(String name, byte[] body) throws Exception {
        checkWritable();
        JsonNode request = json(body);
        List<AlterConfigOp> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ops.add(e.getValue().isNull()
                    ? new AlterConfigOp(new ConfigEntry(e.getKey(), null), AlterConfigOp.OpType.DELETE)
                    : new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue().asText()), AlterConfigOp.OpType.SET));
        }
        if (ops.isEmpty()) {
            throw HttpProblemException.badRequest("expected an object of config names and values");
        }
        client().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name), ops))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return ApiResponse.ok(describeTopic(name));
    }

    public ApiResponse addPartitions(String name, byte[] body) throws Exception {
        checkWritable();
        int count = json(body).path("count").asInt(-1);
        int current = topic(name).partitions().size();
        if (count < current) {
            throw HttpProblemException.badRequest("topic " + name + " has " + current + " partitions; Kafka cannot"
                    + " decrease that to " + count);
        }
        if (count > current) {
            client().createPartitions(Map.of(name, NewPartitions.increaseTo(count))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return ApiResponse.ok(describeWhenServed(name));
    }

    private TopicDescription topic(String name) throws Exception {
        return client().describeTopics(List.of(name)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(name);
    }

    /**
     * The description of a topic that was just created (or given partitions): Kafka has committed it, but the broker
     * may not know it, or its new partitions may have no leader serving them yet. Waits for both, at most
     * {@link #leaderWaitMs()}; then 503 with Retry-After.
     */
    private Map<String, Object> describeWhenServed(String name) throws Exception {
        long waitMs = leaderWaitMs();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                return describeTopic(name, Math.max(leftMs, LEADER_POLL_MS));
            } catch (Exception e) {
                if (!PartitionLeadership.isElecting(e)) {
                    throw e;
                }
                if (leftMs <= 0) {
                    throw PartitionLeadership.retryLater(name, "its partitions had no leader serving them " + waitMs
                            + " ms after it was created");
                }
                Thread.sleep(Math.min(LEADER_POLL_MS, leftMs));
            }
        }
    }

    private Map<String, Object> describeTopic(String name) throws Exception {
        return describeTopic(name, leaderWaitMs());
    }

    /**
     * Unknown to the broker: UnknownTopicOrPartitionException (404). Known, but a partition without a leader, or
     * offsets or configs not served within {@code timeoutMs}: {@link PartitionLeadership#retryLater} (503).
     */
    private Map<String, Object> describeTopic(String name, long timeoutMs) throws Exception {
        TopicDescription d = topic(name);
        List<Integer> leaderless = PartitionLeadership.leaderless(d);
        if (!leaderless.isEmpty()) {
            throw PartitionLeadership.retryLater(name, "partitions " + leaderless + " have no leader");
        }
        try {
            return answer(d, timeoutMs);
        } catch (ExecutionException e) {
            if (PartitionLeadership.isElecting(e)) {
                throw PartitionLeadership.retryLater(name, "its partitions' leaders are not serving it yet");
            }
            throw e;
        }
    }

    private Map<String, Object> answer(TopicDescription d, long timeoutMs) throws Exception {
        String name = d.name();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartitionInfo p : d.partitions()) {
            earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
        }
        // the call's own timeout ends first (a Kafka TimeoutException: leaders not serving); the future's is a backstop
        ListOffsetsOptions options = new ListOffsetsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        long futureTimeoutMs = timeoutMs + TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
        var begin = client().listOffsets(earliest, options).all().get(futureTimeoutMs, TimeUnit.MILLISECONDS);
        var end = client().listOffsets(latest, options).all().get(futureTimeoutMs, TimeUnit.MILLISECONDS);
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (TopicPartitionInfo p : d.partitions()) {
            TopicPartition tp = new TopicPartition(name, p.partition());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("partition", p.partition());
            info.put("leader", p.leader() == null ? null : p.leader().id());
            info.put("replicas", p.replicas().stream().map(Node::id).toList());
            info.put("isr", p.isr().stream().map(Node::id).toList());
            info.put("beginOffset", begin.get(tp).offset());
            info.put("endOffset", end.get(tp).offset());
            info.put("records", end.get(tp).offset() - begin.get(tp).offset());
            partitions.add(info);
        }
        Config config = client().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().iterator().next();
        Map<String, String> configs = new TreeMap<>();
        for (ConfigEntry e : config.entries()) {
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                configs.put(e.name(), e.value());
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", name);
        answer.put("internal", d.isInternal());
        answer.put("configs", configs);
        answer.put("partitions", partitions);
        return answer;
    }

    static JsonNode json(byte[] body) {
        try {
            JsonNode node = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw HttpProblemException.badRequest("expected a JSON object");
            }
            return node;
        } catch (HttpProblemException e) {
            throw e;
        } catch (Exception e) {
            throw HttpProblemException.badRequest("invalid JSON: " + e.getMessage());
        }
    }
}
