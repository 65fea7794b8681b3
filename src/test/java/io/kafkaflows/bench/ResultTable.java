package io.kafkaflows.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** A bench pair's row of results.json (medians of its 3 runs; peak RSS and GC share: the highest) and the table. */
final class ResultTable {

    private ResultTable() {
    }

    /** What the latency columns measure, per flow. */
    private static final Map<String, String> LATENCY = Map.of(
            "producer", "send->ack per record at full load (route: up to 20,000 in flight; ProducerPerformance: its own figures)",
            "http-ingress", "per request, send->200 response (after acks=all), " + HttpIngressBench.IN_FLIGHT + " in flight; no baseline latency",
            "consumer", "paced " + LatencyProbe.RATE + " rec/s: producer stamp->sink; ConsumerPerformance: none",
            "exactly-once", "paced " + LatencyProbe.RATE + " rec/s: producer stamp->read_committed reader of the output, both sides",
            "stream-transform", "paced " + LatencyProbe.RATE + " rec/s: producer stamp->read_committed reader of the output, both sides");

    static Map<String, Object> row(String flow, String mode, String baseline, int size, long records,
                                   List<RunResult> b, List<RunResult> f) {
        double flowRate = median(f, RunResult::recordsPerSec);
        double baselineRate = median(b, RunResult::recordsPerSec);
        boolean baselineLatency = !"http-ingress".equals(flow); // the producer route's latency is at full load
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("flow", flow);
        if (mode != null) {
            row.put("mode", mode);
        }
        row.put("baseline", baseline);
        row.put("recordSize", size);
        row.put("records", records);
        row.put("recordsPerSec", Math.round(flowRate));
        row.put("baselineRecordsPerSec", Math.round(baselineRate));
        row.put("ratio", Math.round(flowRate / baselineRate * 100) / 100.0);
        row.put("mbPerSec", Math.round(flowRate * size / 1e6 * 100) / 100.0);
        row.put("baselineMbPerSec", Math.round(baselineRate * size / 1e6 * 100) / 100.0);
        row.put("p50Ms", median(f, RunResult::p50Ms));
        row.put("p99Ms", median(f, RunResult::p99Ms));
        row.put("baselineP50Ms", baselineLatency ? median(b, RunResult::p50Ms) : null);
        row.put("baselineP99Ms", baselineLatency ? median(b, RunResult::p99Ms) : null);
        row.put("latency", LATENCY.get(flow));
        row.put("cpuSecPerMillion", median(f, RunResult::cpuSecPerMillion));
        row.put("baselineCpuSecPerMillion", median(b, RunResult::cpuSecPerMillion));
        row.put("peakRssMb", max(f, RunResult::peakRssMb));
        // only a baseline in its own JVM (the Kafka tools) has an RSS of its own; the producer route as the
        // http-ingress baseline shares the bench JVM with the running app
        row.put("baselinePeakRssMb", baselineLatency ? max(b, RunResult::peakRssMb) : null);
        row.put("gcPercent", max(f, RunResult::gcPercent));
        row.put("baselineGcPercent", max(b, RunResult::gcPercent));
        row.put("runs", Map.of("flow", f.stream().mapToDouble(r -> Math.round(r.recordsPerSec())).toArray(),
                "baseline", b.stream().mapToDouble(r -> Math.round(r.recordsPerSec())).toArray()));
        return row;
    }

    /** Median of the values present, or null. */
    private static Double median(List<RunResult> runs, Function<RunResult, Double> field) {
        double[] values = runs.stream().map(field).filter(Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
        return values.length == 0 ? null : values[values.length / 2];
    }

    private static Double max(List<RunResult> runs, Function<RunResult, Double> field) {
        return runs.stream().map(field).filter(Objects::nonNull).max(Double::compare).orElse(null);
    }

    static void print(List<Map<String, Object>> results) {
        System.out.println();
        System.out.println("| flow | size | flow rec/s | MB/s | baseline rec/s | ratio | p50 / p99 ms | baseline p50 / p99 ms "
                + "| CPU s per M rec (flow / baseline) | peak RSS MB (flow / baseline) | GC % (flow / baseline) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Map<String, Object> r : results) {
            System.out.printf("| %s%s | %s B | %s | %s | %s | %.2f | %s | %s | %s | %s | %s |%n", r.get("flow"),
                    r.containsKey("mode") ? " " + r.get("mode") : "", r.get("recordSize"), r.get("recordsPerSec"),
                    r.get("mbPerSec"), r.get("baselineRecordsPerSec"), (Double) r.get("ratio"),
                    pair(r, "p50Ms", "p99Ms"), pair(r, "baselineP50Ms", "baselineP99Ms"),
                    pair(r, "cpuSecPerMillion", "baselineCpuSecPerMillion"), pair(r, "peakRssMb", "baselinePeakRssMb"),
                    pair(r, "gcPercent", "baselineGcPercent"));
        }
        System.out.println();
        results.stream().map(r -> r.get("flow") + ": baseline " + r.get("baseline")).distinct().forEach(System.out::println);
        System.out.println("- : not measured (see docs/performance.md)");
    }

    private static String pair(Map<String, Object> row, String a, String b) {
        return (row.get(a) == null ? "-" : row.get(a)) + " / " + (row.get(b) == null ? "-" : row.get(b));
    }
}
