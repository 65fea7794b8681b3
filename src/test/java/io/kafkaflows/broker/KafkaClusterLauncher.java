package io.kafkaflows.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of {@code n} combined broker+controller nodes on 127.0.0.1, each a separate JVM started by its
 * own {@link TestBrokerLauncher} (so a test can SIGKILL and restart any one). Internal topics and new topics get
 * replication factor n (at most 3) and {@code min.insync.replicas=2}; unclean leader election stays off, and a
 * dead node is fenced after 3 s.
 */
public final class KafkaClusterLauncher implements AutoCloseable {

    /** What makes a node one of the cluster: its id, the controller quorum, the shared cluster id, replication. */
    record Membership(int nodeId, String quorumVoters, String clusterId, int replication) {

        /** Overrides the single-node settings of {@link BrokerConfigFiles#singleNode}. */
        Map<String, String> serverProperties() {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("node.id", String.valueOf(nodeId));
            props.put("controller.quorum.voters", quorumVoters);
            String rf = String.valueOf(replication);
            String minIsr = String.valueOf(Math.min(2, replication));
            for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                    "transaction.state.log.replication.factor", "share.coordinator.state.topic.replication.factor")) {
                props.put(key, rf);
            }
            for (String key : List.of("min.insync.replicas", "transaction.state.log.min.isr",
                    "share.coordinator.state.topic.min.isr")) {
                props.put(key, minIsr);
            }
            if (replication > 1) {
                // a killed node is fenced (and its partitions led elsewhere) within seconds instead of the default 9 s
                props.put("broker.session.timeout.ms", "3000");
                props.put("broker.heartbeat.interval.ms", "500");
            }
            return props;
        }
    }

    private final List<TestBrokerLauncher> nodes = new ArrayList<>();

    public KafkaClusterLauncher(Path libDir, Path dataDir, int size, String heap) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        for (int i = 1; i <= size; i++) {
            nodes.add(new TestBrokerLauncher(libDir, dataDir.resolve("node-" + i), 0, heap, Map.of()));
        }
    }

    /** Launches every node, then waits for all (a controller quorum needs a majority before any node is ready). */
    public synchronized KafkaClusterLauncher start() {
        List<Integer> controllerPorts = new ArrayList<>();
        try {
            for (TestBrokerLauncher node : nodes) {
                node.allocatePorts();
                controllerPorts.add(node.controllerPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts.get(i));
        }
        String clusterId = Uuid.randomUuid().toString();
        int replication = Math.min(3, nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).asClusterNode(new Membership(i + 1, voters.toString(), clusterId, replication));
        }
        nodes.forEach(TestBrokerLauncher::launchProcess);
        nodes.forEach(TestBrokerLauncher::awaitStarted);
        return this;
    }

    /** Node {@code i}, 1-based (node ids are 1..n). */
    public TestBrokerLauncher node(int i) {
        return nodes.get(i - 1);
    }

    public int size() {
        return nodes.size();
    }

    public String bootstrapServers() {
        return nodes.stream().map(KafkaBrokerLauncher::bootstrapServers).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        nodes.forEach(KafkaBrokerLauncher::stop);
    }
}
