package io.kafkaflows.guarantees;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kafkaflows.testsupport.KafkaTestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guarantee matrix (issue 17): every flow x every fault on a real broker, the packaged app as child process(es),
 * counted by independent readers and judged against the flow's promise. Run by {@code bench/guarantees}
 * (Maven profile {@code guarantees}); settings: {@code guarantees.mode} (quick|full), {@code guarantees.seed},
 * {@code guarantees.cells}, {@code guarantees.commit}. Writes target/guarantees/results.json and guarantees.md;
 * a full run of every cell also replaces the generated block of docs/guarantees.md. Fails when any cell breaks its promise, after publishing it.
 */
class GuaranteeMatrix extends KafkaTestSupport {

    @Test
    void everyCellKeepsItsPromise() throws Exception {
        MatrixPlan plan = new MatrixPlan(!"full".equals(System.getProperty("guarantees.mode", "quick")),
                System.getProperty("guarantees.cells"));
        long seed = Long.getLong("guarantees.seed", System.currentTimeMillis());
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        CellRunner runner = new CellRunner(kafka(), broker());
        List<CellResult> cells = new ArrayList<>();
        for (Map.Entry<String, FlowUnderTest> row : MatrixPlan.ROWS.entrySet()) {
            FlowUnderTest flow = row.getValue();
            for (Fault fault : Fault.values()) {
                Applicability a = fault.measured ? flow.applies(fault) : Applicability.notYet(fault.description);
                if (a.status() != Applicability.Status.APPLIES) {
                    cells.add(CellResult.skipped(flow.name(), fault, a, seed));
                } else if (plan.includes(row.getKey(), fault)) {
                    long cellSeed = seed * 31 + (row.getKey() + "/" + fault.name()).hashCode();
                    CellContext context = new CellContext(kafka(), fault, plan.records(row.getKey()),
                            plan.partitions(row.getKey()), plan.inputSpan(fault), cellSeed,
                            () -> childAppSettings(unique("unused-consumer"), unique("unused-group")));
                    System.out.printf("guarantees: %s x %s (seed %d) ...%n", flow.name(), fault.label, seed);
                    CellResult result = runner.run(flow, fault, context, seed);
                    System.out.printf("guarantees: %s x %s: %s in %.1f s: %s%n", flow.name(), fault.label,
                            result.status(), result.seconds(), result);
                    cells.add(result);
                }
            }
        }
        String mode = plan.quick ? "quick" : "full";
        MatrixReport report = new MatrixReport(mode, System.getProperty("guarantees.commit", "unknown"), date, seed,
                plan.sizes(), plan.inputSpan(Fault.APP_SIGKILL), plan.flows(), cells);
        report.writeJson(Path.of("target", "guarantees", "results.json"));
        report.writeMarkdown(Path.of("target", "guarantees", "guarantees.md"));
        if (plan.publishes()) {
            report.publish(Path.of("docs", "guarantees.md"));
        }
        List<CellResult> failed = cells.stream().filter(CellResult::failed).toList();
        assertTrue(failed.isEmpty(), failed.size() + " cell(s) broke their promise (seed " + seed + "): " + failed);
    }
}
