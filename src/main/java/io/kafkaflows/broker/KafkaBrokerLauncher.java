package io.kafkaflows.broker;

import java.net.InetAddress;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, stops, kills and restarts a real Apache Kafka broker (KRaft, combined broker+controller) as a separate
 * JVM on 127.0.0.1: PLAINTEXT by default, SASL_SSL + ACLs when {@link #secured}, one node of a cluster through
 * {@link KafkaClusterLauncher}. The one place in the project that owns a broker's life: the app (when no
 * brokers are configured), the tests, the benchmarks and the chaos tests all use it.
 * The broker's classpath is the one the build copies to {@code target/kafka-broker/lib} (see broker/pom.xml).
 * The broker JVM exits by itself when the process that launched it dies (see {@link BrokerParentWatchdog}).
 */
public final class KafkaBrokerLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerLauncher.class);
    private static final String READY_LINE = "Kafka Server started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path libDir;
    private final Path dataDir;
    private final String heap;
    private final Map<String, String> extraServerProperties;
    private int port;
    private int controllerPort;
    private int nodeId = 1;
    private String quorumVoters;
    private String clusterId = Uuid.randomUuid().toString();
    private int replication = 1;
    private BrokerSecurity security;
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
        this.libDir = libDir.toAbsolutePath();
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.heap = heap;
        this.extraServerProperties = Map.copyOf(extraServerProperties);
    }

    /** Serve clients on SASL_SSL with SCRAM, mutual TLS and ACLs instead of PLAINTEXT (call before the first start). */
    public KafkaBrokerLauncher secured(BrokerSecurity security) {
        this.security = security;
        return this;
    }

    public BrokerSecurity security() {
        return security;
    }

    /** Makes this launcher one node of a cluster ({@link KafkaClusterLauncher}): same voters and cluster id on all. */
    KafkaBrokerLauncher asClusterNode(int nodeId, int controllerPort, String quorumVoters, String clusterId, int replication) {
        this.nodeId = nodeId;
        this.controllerPort = controllerPort;
        this.quorumVoters = quorumVoters;
        this.clusterId = clusterId;
        this.replication = replication;
        return this;
    }

    /** The default location of the broker's jars: next to the app jar, or under target/ in the repo. */
    public static Path defaultLibDir() {
        Path fromJar = locateNextToCodeSource();
        if (fromJar != null && Files.isDirectory(fromJar)) {
            return fromJar;
        }
        return Path.of("target", "kafka-broker", "lib");
    }

    public synchronized KafkaBrokerLauncher start() {
        if (isRunning()) {
            return this;
        }
        launchProcess();
        awaitStarted();
        return this;
    }

    /** Formats the storage if new and launches the JVM, without waiting (a cluster launches all nodes first). */
    synchronized void launchProcess() {
        checkLibDir();
        try {
            Files.createDirectories(dataDir);
            allocatePorts();
            Path config = writeServerProperties();
            Path log4j = BrokerConfigFiles.writeLog4jConfig(dataDir);
            formatStorageIfNeeded(config, log4j);
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
        LOG.info("Local Kafka broker ready at {} (pid {}, {}data in {})", bootstrapServers(), process.pid(),
                quorumVoters == null ? "" : "node " + nodeId + " of a cluster, ", dataDir);
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

    /** Crash the broker: SIGKILL, no shutdown of any kind. */
    public synchronized void kill() {
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

    /** Stops (if running) and starts again on the same ports with the same data. */
    public synchronized KafkaBrokerLauncher restart() {
        stop();
        return start();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
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

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        stop();
    }

    private Path writeServerProperties() throws IOException {
        BrokerConfigFiles.Node node = new BrokerConfigFiles.Node(nodeId,
                quorumVoters != null ? quorumVoters : nodeId + "@127.0.0.1:" + controllerPort, port, controllerPort);
        return BrokerConfigFiles.writeServerProperties(dataDir, node, security, replication, extraServerProperties);
    }

    private void formatStorageIfNeeded(Path config, Path log4j) throws IOException {
        if (Files.exists(dataDir.resolve("kraft-logs").resolve("meta.properties"))) {
            return;
        }
        List<String> cmd = javaCommand(log4j, "kafka.tools.StorageTool");
        cmd.addAll(List.of("format", "-t", clusterId, "-c", config.toString()));
        if (security != null) {
            cmd.addAll(security.formatArguments());
        }
        Path out = dataDir.resolve("format.out");
        Process format = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!format.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("Formatting Kafka storage failed: " + tail(out));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
    }

    private void launch(Path config, Path log4j) throws IOException {
        Path watchdogDir = BrokerConfigFiles.installWatchdogClass(dataDir);
        List<String> cmd = javaCommand(log4j, BrokerParentWatchdog.class.getName());
        int cp = cmd.indexOf("-cp") + 1;
        cmd.set(cp, watchdogDir + File.pathSeparator + cmd.get(cp));
        cmd.add(config.toString());
        Path out = dataDir.resolve("broker.out");
        outputMark = Files.exists(out) ? Files.size(out) : 0;
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
        // never written to: the broker watches for this pipe to close (see BrokerParentWatchdog)
        lifeline = process.getOutputStream();
    }

    private List<String> javaCommand(Path log4j, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:MaxGCPauseMillis=20");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j);
        cmd.add("-cp");
        cmd.add(libDir.resolve("*").toString());
        cmd.add(mainClass);
        return cmd;
    }

    private void awaitReady() throws IOException {
        Path out = dataDir.resolve("broker.out");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + process.exitValue() + ": " + tail(out));
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
        throw new IllegalStateException("Kafka broker not ready within " + START_TIMEOUT + ": " + tail(out));
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

    private void checkLibDir() {
        if (!Files.isDirectory(libDir)) {
            throw new IllegalStateException("Kafka broker jars not found in " + libDir
                    + ". Build first (mvn package copies them there), or set camel.component.kafka.brokers"
                    + " to use an existing cluster.");
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

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static Path locateNextToCodeSource() {
        try {
            Path location = Path.of(KafkaBrokerLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/kafka-flows.jar or target/classes -> target/kafka-broker/lib
            return location.getParent().resolve("kafka-broker").resolve("lib");
        } catch (Exception e) {
            return null;
        }
    }
}
