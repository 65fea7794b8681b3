package io.kafkaflows.broker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command lines of a {@link KafkaBrokerLauncher}'s broker JVM: its classpath (the jars the build copies to
 * {@code target/kafka-broker/lib}, see {@link #defaultLibDir()}), formatting the storage with Kafka's
 * {@code StorageTool}, and the broker itself, started through {@link BrokerParentWatchdog}.
 */
final class BrokerJvm {

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(90);

    private final Path libDir;
    private final String heap;

    BrokerJvm(Path libDir, String heap) {
        this.libDir = libDir;
        this.heap = heap;
    }

    /** The default location of the broker's jars: next to the app jar, or under target/ in the repo. */
    static Path defaultLibDir() {
        Path fromJar = locateNextToCodeSource();
        if (fromJar != null && Files.isDirectory(fromJar)) {
            return fromJar;
        }
        return Path.of("target", "kafka-broker", "lib");
    }

    void checkLibDir() {
        if (!Files.isDirectory(libDir)) {
            throw new IllegalStateException("Kafka broker jars not found in " + libDir
                    + ". Build first (mvn package copies them there), or set camel.component.kafka.brokers"
                    + " to use an existing cluster.");
        }
    }

    /** Formats the storage of {@code dataDir} unless it is formatted already; output in format.out. */
    void formatIfNeeded(Path dataDir, Path config, Path log4j, String clusterId, List<String> extraArguments)
            throws IOException {
        if (Files.exists(dataDir.resolve("kraft-logs").resolve("meta.properties"))) {
            return;
        }
        List<String> cmd = javaCommand(log4j, "kafka.tools.StorageTool");
        cmd.addAll(List.of("format", "-t", clusterId, "-c", config.toString()));
        cmd.addAll(extraArguments);
        Path out = dataDir.resolve("format.out");
        Process format = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!format.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("Formatting Kafka storage failed: " + tail(out));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
    }

    /** Starts the broker (main class {@link BrokerParentWatchdog}), its output appended to {@code out}. */
    Process launch(Path dataDir, Path config, Path log4j, Path out) throws IOException {
        Path watchdogDir = installWatchdogClass(dataDir);
        List<String> cmd = javaCommand(log4j, BrokerParentWatchdog.class.getName());
        int cp = cmd.indexOf("-cp") + 1;
        cmd.set(cp, watchdogDir + File.pathSeparator + cmd.get(cp));
        cmd.add(config.toString());
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
    }

    /** The last 4000 characters of a file (a failed broker's or tool's output). */
    static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
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

    /** Copies the JDK-only watchdog class alone into the data dir, so the broker's classpath stays Kafka's own. */
    private static Path installWatchdogClass(Path dataDir) throws IOException {
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

    private static Path locateNextToCodeSource() {
        try {
            Path location = Path.of(BrokerJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/kafka-flows.jar or target/classes -> target/kafka-broker/lib
            return location.getParent().resolve("kafka-broker").resolve("lib");
        } catch (Exception e) {
            return null;
        }
    }
}
