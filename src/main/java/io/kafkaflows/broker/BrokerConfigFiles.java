package io.kafkaflows.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a {@link KafkaBrokerLauncher} node runs with: its server.properties (KRaft combined mode on 127.0.0.1,
 * one node: internal topics with replication factor 1, no unclean leader election) and a quiet log4j2 config.
 * Written into the node's data directory on every start.
 */
final class BrokerConfigFiles {

    private BrokerConfigFiles() {
    }

    /** The settings of a single PLAINTEXT node (node id 1, its own controller); the caller may add to them. */
    static Map<String, String> singleNode(Path dataDir, int port, int controllerPort) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("kraft-logs").toString());
        props.put("num.partitions", "3");
        props.put("auto.create.topics.enable", "true");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // lets a queue flow's share group lock records for as little as 1 s (group config share.record.lock.duration.ms)
        props.put("group.share.min.record.lock.duration.ms", "1000");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("unclean.leader.election.enable", "false");
        return props;
    }

    /** Writes {@code props} as server.properties in {@code dataDir}. */
    static Path writeServerProperties(Path dataDir, Map<String, String> props) throws IOException {
        StringBuilder text = new StringBuilder("# written by KafkaBrokerLauncher\n");
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = dataDir.resolve("server.properties");
        Files.writeString(file, text.toString());
        return file;
    }

    /** The broker's log4j2 config: warnings, plus the line the launcher waits for. */
    static Path writeLog4jConfig(Path dataDir) throws IOException {
        Path file = dataDir.resolve("log4j2.properties");
        Files.writeString(file, String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.out.ref = out",
                "logger.server.name = kafka.server.KafkaRaftServer",
                "logger.server.level = info",
                ""));
        return file;
    }
}
