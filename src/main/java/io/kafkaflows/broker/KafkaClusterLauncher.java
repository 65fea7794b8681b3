package io.kafkaflows.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of {@code n} combined broker+controller nodes on 127.0.0.1, each a separate JVM started by its
 * own {@link KafkaBrokerLauncher} (so a test can SIGKILL and restart any one). Internal topics and new topics get
 * replication factor n (at most 3) and {@code min.insync.replicas=2}; unclean leader election stays off, and a
 * dead node is fenced after 3 s.
 */
public final class KafkaClusterLauncher implements AutoCloseable {

    private final List<KafkaBrokerLauncher> nodes = new ArrayList<>();

    public KafkaClusterLauncher(Path libDir, Path dataDir, int size, String heap) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        for (int i = 1; i <= size; i++) {
            nodes.add(new KafkaBrokerLauncher(libDir, dataDir.resolve("node-" + i), 0, heap, Map.of()));
        }
    }

    /** Launches every node, then waits for all (a controller quorum needs a majority before any node is ready). */
    public synchronized KafkaClusterLauncher start() {
        List<Integer> controllerPorts = new ArrayList<>();
        try {
            for (KafkaBrokerLauncher node : nodes) {
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
            nodes.get(i).asClusterNode(i + 1, controllerPorts.get(i), voters.toString(), clusterId, replication);
        }
        nodes.forEach(KafkaBrokerLauncher::launchProcess);
        nodes.forEach(KafkaBrokerLauncher::awaitStarted);
        return this;
    }

    /** Node {@code i}, 1-based (node ids are 1..n). */
    public KafkaBrokerLauncher node(int i) {
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
