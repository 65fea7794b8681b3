package io.kafkaflows.reload;

import java.time.Instant;
import java.util.List;

/** The outcome of one reload: when, which changed files, and either how many routes run or what was wrong. */
record LastReload(Instant at, List<String> files, boolean ok, int routes, long millis, String error) {

    static LastReload ok(Instant at, List<String> files, int routes, long millis) {
        return new LastReload(at, List.copyOf(files), true, routes, millis, null);
    }

    static LastReload failed(Instant at, List<String> files, String error) {
        return new LastReload(at, List.copyOf(files), false, 0, 0, error);
    }

    /** One line, as /observe/health shows it. */
    String summary() {
        return ok
                ? "reloaded " + String.join(", ", files) + " at " + at + ": " + routes + " routes running (" + millis + " ms)"
                : "reload of " + String.join(", ", files) + " failed at " + at + ": " + error + " (previous routes running)";
    }
}
