package io.kafkaflows.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The product's {@link KafkaBrokerLauncher} with what only tests need: SIGKILL ({@link #kill()}) and
 * {@link #restart()}, SASL_SSL + ACLs instead of PLAINTEXT ({@link #secured}), and being one node of a
 * {@link KafkaClusterLauncher} cluster ({@link #asClusterNode}).
 */
public final class TestBrokerLauncher extends KafkaBrokerLauncher {

    private BrokerSecurity security;
    private KafkaClusterLauncher.Membership cluster;

    /** See {@link KafkaBrokerLauncher#KafkaBrokerLauncher(Path, Path, int)}. */
    public TestBrokerLauncher(Path libDir, Path dataDir, int port) {
        super(libDir, dataDir, port);
    }

    public TestBrokerLauncher(Path libDir, Path dataDir, int port, String heap, Map<String, String> extraServerProperties) {
        super(libDir, dataDir, port, heap, extraServerProperties);
    }

    /** Serve clients on SASL_SSL with SCRAM, mutual TLS and ACLs instead of PLAINTEXT (call before the first start). */
    public TestBrokerLauncher secured(BrokerSecurity security) {
        this.security = security;
        return this;
    }

    public BrokerSecurity security() {
        return security;
    }

    /** Makes this launcher one node of a cluster: same voters and cluster id on all (call before the first start). */
    TestBrokerLauncher asClusterNode(KafkaClusterLauncher.Membership membership) {
        this.cluster = membership;
        return this;
    }

    @Override
    public synchronized TestBrokerLauncher start() {
        super.start();
        return this;
    }

    /** Crash the broker: SIGKILL, no shutdown of any kind. */
    @Override
    public synchronized void kill() {
        super.kill();
    }

    /** SIGSTOP: the broker freezes, its sockets open, so every request to it times out (not refused). */
    public synchronized void pause() {
        signal("STOP");
    }

    /** SIGCONT: the frozen broker goes on where it stopped. */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops (if running) and starts again on the same ports with the same data. */
    public synchronized TestBrokerLauncher restart() {
        stop();
        return start();
    }

    @Override
    Map<String, String> serverProperties() {
        Map<String, String> props = super.serverProperties();
        if (security != null) {
            props.putAll(security.serverProperties(port(), controllerPort()));
        }
        if (cluster != null) {
            props.putAll(cluster.serverProperties());
        }
        return props;
    }

    @Override
    List<String> formatArguments() {
        List<String> args = new ArrayList<>(super.formatArguments());
        if (security != null) {
            args.addAll(security.formatArguments());
        }
        return args;
    }

    @Override
    String clusterId() {
        return cluster != null ? cluster.clusterId() : super.clusterId();
    }
}
