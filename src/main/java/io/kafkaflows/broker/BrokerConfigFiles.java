package io.kafkaflows.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a {@link KafkaBrokerLauncher} node runs with: its server.properties (KRaft combined mode on 127.0.0.1,
 * internal topics replicated like the cluster, min ISR 2 from 3 nodes up, no unclean leader election) and a quiet
 * log4j2 config, and the parent watchdog class. Written into the node's data directory on every start.
 */
final class BrokerConfigFiles {

    private BrokerConfigFiles() {
    }

    /** A node's identity and ports. */
    record Node(int id, String quorumVoters, int port, int controllerPort) {
    }

    /** server.properties in {@code dataDir}: listeners (PLAINTEXT, or SASL_SSL when secured), replication, extras. */
    static Path writeServerProperties(Path dataDir, Node node, BrokerSecurity security, int replication,
            Map<String, String> extraServerProperties) throws IOException {
        int port = node.port();
        int controllerPort = node.controllerPort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(node.id()));
        props.put("controller.quorum.voters", node.quorumVoters());
        props.put("controller.listener.names", "CONTROLLER");
        if (security != null) {
            props.putAll(security.serverProperties(port, controllerPort));
        } else {
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        }
        props.put("log.dirs", dataDir.resolve("kraft-logs").toString());
        props.put("num.partitions", "3");
        props.put("auto.create.topics.enable", "true");
        String rf = String.valueOf(replication);
        String minIsr = String.valueOf(Math.min(2, replication));
        props.put("default.replication.factor", rf);
        props.put("min.insync.replicas", minIsr);
        props.put("offsets.topic.replication.factor", rf);
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", rf);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", rf);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("unclean.leader.election.enable", "false");
        if (replication > 1) {
            // a killed node is fenced (and its partitions led elsewhere) within seconds instead of the default 9 s
            props.put("broker.session.timeout.ms", "3000");
            props.put("broker.heartbeat.interval.ms", "500");
        }
        props.putAll(extraServerProperties);
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

    /** Copies the JDK-only watchdog class alone into the data dir, so the broker's classpath stays Kafka's own. */
    static Path installWatchdogClass(Path dataDir) throws IOException {
        String resource = BrokerParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path dir = dataDir.resolve("watchdog");
        Path target = dir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = BrokerParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class resource not found: " + resource);
            }
            Files.write(target, in.readAllBytes());
        }
        return dir;
    }
}
