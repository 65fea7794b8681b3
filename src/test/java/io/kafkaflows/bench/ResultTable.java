package io.kafkaflows.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A bench row of results.json (one flow against one baseline: medians of the 3 runs of each; peak RSS and GC share:
 * the highest) and the printed table. The flow's runs are shared by all rows of its pair.
 */
final class ResultTable {

    private ResultTable() {
    }

    /** What the latency columns measure, per flow. */
    private static final Map<String, String> LATENCY = Map.of(
            "producer", "send->ack per record at full load (route: up to 20,000 in flight; ProducerPerformance: its own steady-state figures)",
            "http-ingress", "wrk, per request, send->200 response (after acks=all) at the row's connections; no baseline latency",
            "consumer", "paced " + LatencyProbe.RATE + " rec/s: producer stamp->sink, flow and plain loop; ConsumerPerformance: none",
            "exactly-once", "paced " + LatencyProbe.RATE + " rec/s: producer stamp->read_committed reader of the output, flow and Kafka Streams; raw loop: none",
            "stream-transform", "paced " + LatencyProbe.RATE + " rec/s: producer stamp->read_committed reader of the output, both sides",
            "windowed-aggregation", "not measured");

    /** One baseline of a pair: what it is, how many records it runs over, whether it is the goal's or a reference. */
    record Baseline(String name, long records, boolean reference, BenchMain.Run run) {
    }

    static Map<String, Object> row(String flow, String mode, int size, Long records, Baseline baseline,
                                   List<RunResult> b, List<RunResult> f) {
        double flowRate = median(f, RunResult::recordsPerSec);
        double baselineRate = median(b, RunResult::recordsPerSec);
        boolean http = "http-ingress".equals(flow);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("flow", flow);
        if (mode != null) {
            row.put("mode", mode);
        }
        row.put("baseline", baseline.name());
        row.put("reference", baseline.reference());
        row.put("recordSize", size);
        row.put("records", records);
        row.put("baselineRecords", baseline.records());
        row.put("recordsPerSec", Math.round(flowRate));
        if (http) {
            int perRequest = "batches".equals(mode) ? HttpIngressBench.BATCH : 1;
            row.put("requestsPerSec", Math.round(flowRate / perRequest));
            row.put("connections", perRequest == 1 ? HttpIngressBench.SINGLES_CONNECTIONS : HttpIngressBench.BATCHES_CONNECTIONS);
        }
        row.put("baselineRecordsPerSec", Math.round(baselineRate));
        row.put("ratio", Math.round(flowRate / baselineRate * 100) / 100.0);
        row.put("mbPerSec", Math.round(flowRate * size / 1e6 * 100) / 100.0);
        row.put("baselineMbPerSec", Math.round(baselineRate * size / 1e6 * 100) / 100.0);
        row.put("p50Ms", median(f, RunResult::p50Ms));
        row.put("p99Ms", median(f, RunResult::p99Ms));
        // ProducerPerformance's latency at full load is not comparable with a request's
        row.put("baselineP50Ms", http ? null : median(b, RunResult::p50Ms));
        row.put("baselineP99Ms", http ? null : median(b, RunResult::p99Ms));
        row.put("latency", LATENCY.get(flow));
        row.put("cpuSecPerMillion", median(f, RunResult::cpuSecPerMillion));
        row.put("baselineCpuSecPerMillion", median(b, RunResult::cpuSecPerMillion));
        row.put("peakRssMb", max(f, RunResult::peakRssMb));
        // only a baseline in its own JVM (the Kafka tools) has an RSS of its own; in-process ones report none
        row.put("baselinePeakRssMb", max(b, RunResult::peakRssMb));
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
        System.out.println("| flow | size | flow rec/s | baseline | baseline rec/s | ratio | p50 / p99 ms | baseline p50 / p99 ms "
                + "| CPU s per M rec (flow / baseline) | peak RSS MB (flow / baseline) | GC % (flow / baseline) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Map<String, Object> r : results) {
            String rate = String.format("%,d", (Long) r.get("recordsPerSec"))
                    + (r.containsKey("requestsPerSec") ? String.format(" (%,d req/s, %d conn)", (Long) r.get("requestsPerSec"), r.get("connections")) : "");
            System.out.printf("| %s%s | %s B | %s | %s%s | %,d | %.2f | %s | %s | %s | %s | %s |%n", r.get("flow"),
                    r.containsKey("mode") ? " " + r.get("mode") : "", r.get("recordSize"), rate,
                    Boolean.TRUE.equals(r.get("reference")) ? "(reference) " : "", r.get("baseline"),
                    (Long) r.get("baselineRecordsPerSec"), (Double) r.get("ratio"),
                    pair(r, "p50Ms", "p99Ms"), pair(r, "baselineP50Ms", "baselineP99Ms"),
                    pair(r, "cpuSecPerMillion", "baselineCpuSecPerMillion"), pair(r, "peakRssMb", "baselinePeakRssMb"),
                    pair(r, "gcPercent", "baselineGcPercent"));
        }
        System.out.println();
        System.out.println("- : not measured (see docs/performance.md)");
    }

    private static String pair(Map<String, Object> row, String a, String b) {
        return (row.get(a) == null ? "-" : row.get(a)) + " / " + (row.get(b) == null ? "-" : row.get(b));
    }
}
