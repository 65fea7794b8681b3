package io.kafkaflows.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's goal table: a run with every goal pair replaces only the marked section of the doc and judges each
 * goal (ratio, or HTTP singles' rate and p99); a run missing a goal pair leaves the doc as it was.
 */
class PerformanceDocTest {

    @TempDir
    Path dir;

    private static Map<String, Object> row(String flow, String mode, double ratio, long rate, Double p99) {
        Map<String, Object> r = new HashMap<>();
        r.put("flow", flow);
        if (mode != null) {
            r.put("mode", mode);
        }
        r.put("reference", false);
        r.put("baseline", "base");
        r.put("recordSize", 100);
        r.put("recordsPerSec", rate);
        r.put("baselineRecordsPerSec", 1000L);
        r.put("ratio", ratio);
        r.put("p99Ms", p99);
        if ("http-ingress".equals(flow)) {
            r.put("requestsPerSec", "singles".equals(mode) ? rate : rate / 100);
        }
        return r;
    }

    private static List<Map<String, Object>> allPairs() {
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("producer", null, 0.45, 450, null));
        rows.add(row("http-ingress", "singles", 0.01, 12_000, 60.0));
        rows.add(row("http-ingress", "batches", 0.61, 610, null));
        rows.add(row("consumer", null, 0.79, 790, 10.0));
        rows.add(row("consumer-batch-sink", "500 records per poll", 0.9, 900, null));
        rows.add(row("stream-transform", null, 0.8, 800, 90.0));
        rows.add(row("exactly-once", null, 1.5, 1500, 200.0));
        rows.add(row("windowed-aggregation", null, 0.99, 990, null));
        return rows;
    }

    @Test
    void aRunOfEveryGoalPairRewritesOnlyTheMarkedSection() throws Exception {
        Path doc = dir.resolve("performance.md");
        Files.writeString(doc, "before\n" + PerformanceDoc.BEGIN + "\nold table\n" + PerformanceDoc.END + "\nafter\n");
        assertTrue(PerformanceDoc.update(doc, allPairs(), 1.0, "abc1234"));
        String text = Files.readString(doc);
        assertTrue(text.startsWith("before\n" + PerformanceDoc.BEGIN + "\n"), text);
        assertTrue(text.endsWith(PerformanceDoc.END + "\nafter\n"), text);
        assertFalse(text.contains("old table"), text);
        assertTrue(text.contains("commit abc1234"), text);
        // singles: 12,000 req/s but p99 60 ms > 50: not met; batches 0.61 >= 0.6: met; consumer 0.79 < 0.8: not met
        assertTrue(text.contains("| HTTP singles, 64 connections | 12,000 rec/s (12,000 req/s) |"), text);
        assertTrue(text.contains(">= 10,000 req/s, p99 <= 50 ms | no |"), text);
        assertTrue(text.contains("| base, 1,000 rec/s | - |"), text);
        assertTrue(text.contains("HTTP singles, 64 connections 12,000 req/s, p99 60.0 ms"), text);
        assertTrue(text.contains("| HTTP batches of 100, 16 connections | 610 rec/s (6 req/s) | base, 1,000 rec/s | 0.61 |"), text);
        assertTrue(text.contains("Goals met in this run: 4 of 7"), text);
        assertTrue(text.contains("| producer 100 B |"), text);
    }

    @Test
    void aRunMissingAGoalPairLeavesTheDocAlone() throws Exception {
        Path doc = dir.resolve("performance.md");
        String original = PerformanceDoc.BEGIN + "\nold\n" + PerformanceDoc.END + "\n";
        Files.writeString(doc, original);
        List<Map<String, Object>> rows = allPairs();
        rows.removeIf(r -> "http-ingress".equals(r.get("flow")));
        assertFalse(PerformanceDoc.update(doc, rows, 1.0, "abc1234"));
        assertEquals(original, Files.readString(doc));
    }
}
