package io.kafkaflows.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Writes the goal table of a bench run into {@code docs/performance.md}, between {@value #BEGIN} and {@value #END}:
 * every pair the issue sets a goal for (and the producer rows, which have none), ratio, latency, CPU, the goal and
 * whether this run met it. Written only by a run that measured every goal pair (all flows, wrk installed), so the
 * table never mixes runs; otherwise the run says which pairs were missing and leaves the file alone.
 */
final class PerformanceDoc {

    static final String BEGIN = "<!-- bench:goals:begin -->";
    static final String END = "<!-- bench:goals:end -->";

    /** A goal of issue #15: which row it judges (flow, and mode where a flow has several rows) and how. */
    private record Goal(String flow, String mode, String label, String text, Predicate<Map<String, Object>> met) {
    }

    private static final List<Goal> GOALS = List.of(
            new Goal("http-ingress", "singles", "HTTP singles, 64 connections", ">= 10,000 req/s, p99 <= 50 ms",
                    r -> number(r, "requestsPerSec") >= 10_000 && number(r, "p99Ms") <= 50),
            new Goal("http-ingress", "batches", "HTTP batches of 100, 16 connections", ">= 0.6", r -> ratio(r) >= 0.6),
            new Goal("consumer", null, "consumer (per record, the default)", ">= 0.8", r -> ratio(r) >= 0.8),
            new Goal("consumer-batch-sink", null, "consumer batch sink (option)", ">= 0.8", r -> ratio(r) >= 0.8),
            new Goal("stream-transform", null, "stream transform (poll mode, the default)", ">= 0.8", r -> ratio(r) >= 0.8),
            new Goal("exactly-once", null, "exactly-once (poll mode, the default)", ">= 0.8", r -> ratio(r) >= 0.8),
            new Goal("windowed-aggregation", null, "windowed aggregation (poll mode, the default)", ">= 1.0", r -> ratio(r) >= 1.0));

    private PerformanceDoc() {
    }

    /** Replaces the goal table of {@code doc}; returns false (file untouched) if a goal pair is missing from the run. */
    static boolean update(Path doc, List<Map<String, Object>> results, double scale, String commit) throws IOException {
        List<String> missing = GOALS.stream().filter(g -> row(results, g) == null).map(Goal::label).toList();
        if (!missing.isEmpty()) {
            System.out.println(doc + " not updated: this run did not measure " + String.join(", ", missing));
            return false;
        }
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(doc + " has no " + BEGIN + " ... " + END + " section to write the goal table into");
        }
        Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + "\n" + table(results, scale, commit)
                + text.substring(end));
        System.out.println("written: " + doc.toAbsolutePath() + " (goal table)");
        return true;
    }

    /**
     * Rewrites the goal table from a saved run ({@code target/bench/results.json}): {@code <results.json> <scale>
     * <commit> [doc]}, e.g. after a change of this renderer; the numbers stay the run's.
     */
    public static void main(String[] args) throws IOException {
        List<Map<String, Object>> results = new com.fasterxml.jackson.databind.ObjectMapper().readValue(Path.of(args[0]).toFile(),
                new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { });
        if (!update(Path.of(args.length > 3 ? args[3] : "docs/performance.md"), results, Double.parseDouble(args[1]), args[2])) {
            System.exit(1);
        }
    }

    static String table(List<Map<String, Object>> results, double scale, String commit) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Written by `bench/run %s` on %s, commit %s, %d CPUs; medians of 3 runs a side, the goal's"
                + " baseline measured in the same run.%n%n", scale, LocalDate.now(ZoneOffset.UTC), commit,
                Runtime.getRuntime().availableProcessors()));
        out.append("| pair | flow | baseline | ratio | p50 / p99 ms (flow) | CPU s per M records (flow / baseline) | goal | met |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : results) {
            if ("producer".equals(r.get("flow")) && !Boolean.TRUE.equals(r.get("reference"))) {
                out.append(line("producer " + r.get("recordSize") + " B", r, "-", "-"));
            }
        }
        List<String> met = new ArrayList<>();
        List<String> notMet = new ArrayList<>();
        for (Goal goal : GOALS) {
            Map<String, Object> r = row(results, goal);
            boolean ok = goal.met().test(r);
            (ok ? met : notMet).add(goal.label() + " " + (singles(r)
                    ? String.format("%,d req/s, p99 %s ms", count(r, "requestsPerSec"), dash(r.get("p99Ms"))) : r.get("ratio")));
            out.append(line(goal.label(), r, goal.text(), ok ? "yes" : "no"));
        }
        out.append(String.format("%nGoals met in this run: %d of %d (%s). Not met: %s.%n", met.size(), GOALS.size(),
                met.isEmpty() ? "none" : String.join("; ", met), notMet.isEmpty() ? "none" : String.join("; ", notMet)));
        return out.toString();
    }

    private static String line(String pair, Map<String, Object> r, String goal, String met) {
        String rate = String.format("%,d rec/s", count(r, "recordsPerSec"))
                + (r.containsKey("requestsPerSec") ? String.format(" (%,d req/s)", count(r, "requestsPerSec")) : "");
        // HTTP singles' goal is a request rate: a ratio to ProducerPerformance's records says nothing there
        String ratio = singles(r) ? "-" : String.format("%.2f", ratio(r));
        return String.format("| %s | %s | %s, %,d rec/s | %s | %s / %s | %s / %s | %s | %s |%n", pair, rate,
                r.get("baseline"), count(r, "baselineRecordsPerSec"), ratio, dash(r.get("p50Ms")),
                dash(r.get("p99Ms")), dash(r.get("cpuSecPerMillion")), dash(r.get("baselineCpuSecPerMillion")), goal, met);
    }

    /** The goal's row: its flow (and mode), measured against the goal's baseline (not a reference row). */
    private static Map<String, Object> row(List<Map<String, Object>> results, Goal goal) {
        return results.stream().filter(r -> goal.flow().equals(r.get("flow")) && !Boolean.TRUE.equals(r.get("reference"))
                && (goal.mode() == null || goal.mode().equals(r.get("mode")))).findFirst().orElse(null);
    }

    private static boolean singles(Map<String, Object> r) {
        return "http-ingress".equals(r.get("flow")) && "singles".equals(r.get("mode"));
    }

    private static double ratio(Map<String, Object> r) {
        return number(r, "ratio");
    }

    private static double number(Map<String, Object> r, String field) {
        Object value = r.get(field);
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    private static long count(Map<String, Object> r, String field) {
        return ((Number) r.get(field)).longValue();
    }

    private static String dash(Object value) {
        return Objects.toString(value, "-");
    }
}
