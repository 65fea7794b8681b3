package io.kafkaflows.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A copy of the repo's routes/ in a test's own working directory, edited the way an editor saves: the new content is
 * written next to it and moved over the file in one step (the watcher never sees a half-written file).
 */
final class RouteFiles {

    private final Path workDir;

    private RouteFiles(Path workDir) {
        this.workDir = workDir;
    }

    static RouteFiles copyOfRepoRoutes(Path workDir) {
        try {
            Path routes = Files.createDirectories(workDir.resolve("routes"));
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, routes.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return new RouteFiles(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path workDir() {
        return workDir;
    }

    String read(String file) {
        try {
            return Files.readString(workDir.resolve("routes").resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(String file, String content) {
        try {
            Path tmp = workDir.resolve(".edit.tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, workDir.resolve("routes").resolve(file), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void replace(String file, String old, String now) {
        String content = read(file);
        if (!content.contains(old)) {
            throw new IllegalArgumentException(file + " does not contain: " + old);
        }
        write(file, content.replace(old, now));
    }

    /**
     * Adds a log step (logger io.kafkaflows.reloadtest) as the first step of the steps list that follows
     * {@code anchor} (e.g. {@code id: consumer-records}) in the file.
     */
    void addLogStep(String file, String anchor, String message) {
        String content = read(file);
        int at = content.indexOf(anchor);
        if (at < 0) {
            throw new IllegalArgumentException(file + " does not contain: " + anchor);
        }
        int steps = content.indexOf("steps:\n", at);
        int lineStart = content.lastIndexOf('\n', steps) + 1;
        String indent = " ".repeat(steps - lineStart + 2);
        int insertAt = steps + "steps:\n".length();
        String step = indent + "- log:\n"
                + indent + "    logName: io.kafkaflows.reloadtest\n"
                + indent + "    message: \"" + message + "\"\n";
        write(file, content.substring(0, insertAt) + step + content.substring(insertAt));
    }
}
