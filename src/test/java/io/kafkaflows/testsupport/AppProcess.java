package io.kafkaflows.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The packaged app ({@code java -jar target/kafka-flows.jar}) as a child process, started from the project
 * directory (or a test's own working directory), so tests can SIGKILL or SIGTERM it like an operator would. Settings come as -D system properties
 * and environment variables; output goes to {@code target/app-logs/<name>.log}.
 */
public final class AppProcess implements AutoCloseable {

    private final String name;
    private final Path log;
    private final Process process;

    private AppProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    public static AppProcess start(String name, Map<String, String> systemProperties, Map<String, String> env) {
        return start(name, systemProperties, env, Path.of("."));
    }

    /** Started in {@code workDir} (its routes/ and application.properties, if any, win over the jar's copies). */
    public static AppProcess start(String name, Map<String, String> systemProperties, Map<String, String> env, Path workDir) {
        Path jar = Path.of("target", "kafka-flows.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: these tests run after 'package' (mvn verify)");
        }
        try {
            Path logDir = Files.createDirectories(Path.of("target", "app-logs").toAbsolutePath());
            Path log = logDir.resolve(name + ".log");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx384m");
            systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-jar");
            cmd.add(jar.toString());
            ProcessBuilder builder = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            return new AppProcess(name, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until the app's output contains the text; fails early if the app died. */
    public AppProcess awaitLog(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive() && !output().contains(text)) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            return output().contains(text);
        });
        return this;
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tail() {
        String out = output();
        return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no commits, no goodbye to the group. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGSTOP: the whole JVM freezes (heartbeats included), like a long GC pause or a stalled VM. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT: the frozen JVM goes on where it stopped. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: a graceful stop. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
