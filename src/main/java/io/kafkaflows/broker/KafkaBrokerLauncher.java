package io.kafkaflows.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a real Apache Kafka broker (KRaft, one combined broker+controller node, PLAINTEXT on 127.0.0.1)
 * as a separate JVM: the local broker the app starts when no brokers are configured ({@link LocalBrokerMainListener}).
 * The one place in the project that owns a broker's life; the tests and benchmarks use it too, and extend it (in
 * src/test) with SIGKILL and restart, SASL_SSL listeners and cluster nodes through the package-private hooks
 * {@link #serverProperties()}, {@link #formatArguments()} and {@link #clusterId()}.
 * The broker's classpath is the one the build copies to {@code target/kafka-broker/lib} (see broker/pom.xml).
 * The broker JVM exits by itself when the process that launched it dies (see {@link BrokerParentWatchdog}).
 */
public class KafkaBrokerLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerLauncher.class);
    private static final String READY_LINE = "Kafka Server started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final BrokerJvm jvm;
    private final Path dataDir;
    private final Map<String, String> extraServerProperties;
    private final String clusterId = Uuid.randomUuid().toString();
    private int port;
    private int controllerPort;
    private Process process;
    private OutputStream lifeline;
    private long outputMark;

    /**
     * @param libDir  the broker's jars (e.g. {@code target/kafka-broker/lib})
     * @param dataDir where the broker keeps its log segments, config and output; kept across restarts
     * @param port    the client port on 127.0.0.1, or 0 to pick a free one (kept across restarts)
     */
    public KafkaBrokerLauncher(Path libDir, Path dataDir, int port) {
        this(libDir, dataDir, port, "512m", Map.of());
    }

    public KafkaBrokerLauncher(Path libDir, Path dataDir, int port, String heap, Map<String, String> extraServerProperties) {
        this.jvm = new BrokerJvm(libDir.toAbsolutePath(), heap);
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.extraServerProperties = Map.copyOf(extraServerProperties);
    }

    /** The default location of the broker's jars: next to the app jar, or under target/ in the repo. */
    public static Path defaultLibDir() {
        return BrokerJvm.defaultLibDir();
    }

    public synchronized KafkaBrokerLauncher start() {
        if (isRunning()) {
            return this;
        }
        launchProcess();
        awaitStarted();
        return this;
    }

    /** Formats the storage if new and launches the JVM, without waiting (a test cluster launches all nodes first). */
    synchronized void launchProcess() {
        jvm.checkLibDir();
        try {
            Files.createDirectories(dataDir);
            allocatePorts();
            Path config = writeServerProperties();
            Path log4j = BrokerConfigFiles.writeLog4jConfig(dataDir);
            jvm.formatIfNeeded(dataDir, config, log4j, clusterId(), formatArguments());
            launch(config, log4j);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker in " + dataDir, e);
        }
    }

    synchronized void allocatePorts() throws IOException {
        if (port == 0) {
            port = freePort();
        }
        if (controllerPort == 0) {
            controllerPort = freePort();
        }
    }

    synchronized void awaitStarted() {
        try {
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker in " + dataDir, e);
        }
        LOG.info("Local Kafka broker ready at {} (pid {}, data in {})", bootstrapServers(), pid(), dataDir);
    }

    /** Graceful stop (SIGTERM), forced after a timeout. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Kafka broker did not stop within {}; killing it", STOP_TIMEOUT);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        closeLifeline();
        process = null;
    }

    /** Crash the broker: SIGKILL, no shutdown of any kind (here: a broker that did not get ready in time). */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeLifeline();
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("broker not running");
        }
        return process.pid();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    int controllerPort() {
        return controllerPort;
    }

    @Override
    public void close() {
        stop();
    }

    /** The broker's settings before the extra server properties (which override them): a PLAINTEXT single node. */
    Map<String, String> serverProperties() {
        return BrokerConfigFiles.singleNode(dataDir, port, controllerPort);
    }

    /** Extra StorageTool format arguments (none here). */
    List<String> formatArguments() {
        return List.of();
    }

    /** The cluster id the storage is formatted with (random, one per launcher). */
    String clusterId() {
        return clusterId;
    }

    private Path writeServerProperties() throws IOException {
        Map<String, String> props = serverProperties();
        props.putAll(extraServerProperties);
        return BrokerConfigFiles.writeServerProperties(dataDir, props);
    }

    private void launch(Path config, Path log4j) throws IOException {
        Path out = dataDir.resolve("broker.out");
        outputMark = Files.exists(out) ? Files.size(out) : 0;
        process = jvm.launch(dataDir, config, log4j, out);
        // never written to: the broker watches for this pipe to close (see BrokerParentWatchdog)
        lifeline = process.getOutputStream();
    }

    private void awaitReady() throws IOException {
        Path out = dataDir.resolve("broker.out");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + process.exitValue() + ": "
                        + BrokerJvm.tail(out));
            }
            if (outputSinceLaunch(out).contains(READY_LINE) && portOpen()) {
                return;
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the broker", e);
            }
        }
        kill();
        throw new IllegalStateException("Kafka broker not ready within " + START_TIMEOUT + ": " + BrokerJvm.tail(out));
    }

    private String outputSinceLaunch(Path out) throws IOException {
        if (!Files.exists(out)) {
            return "";
        }
        byte[] bytes = Files.readAllBytes(out);
        int from = (int) Math.min(outputMark, bytes.length);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void closeLifeline() {
        if (lifeline != null) {
            try {
                lifeline.close();
            } catch (IOException ignored) {
                // the process is gone already
            }
            lifeline = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
