package io.kafkaflows.guarantees;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kafkaflows.broker.KafkaClusterLauncher;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.TestKafka;
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
        String brokers = System.getProperty("guarantees.brokers", "");
        TestKafka external = brokers.isBlank() ? null : kafka(brokers);
        CellRunner runner = external != null ? new CellRunner(external, null) : new CellRunner(kafka(), broker());
        List<CellResult> cells = new ArrayList<>();
        try (Cluster cluster = new Cluster()) {
            run(plan, seed, runner, external, cluster, cells);
        } finally {
            if (external != null) {
                external.close();
            }
        }
        String mode = plan.quick ? "quick" : "full";
        MatrixReport report = new MatrixReport(mode, System.getProperty("guarantees.commit", "unknown"), date, seed,
                plan.sizes(), plan.inputSpan(Fault.APP_SIGKILL), plan.flows(), cells);
        report.writeJson(Path.of("target", "guarantees", "results.json"));
        report.writeMarkdown(Path.of("target", "guarantees", "guarantees.md"));
        if (plan.publishes() && external == null) {
            report.publish(Path.of("docs", "guarantees.md"));
        }
        List<CellResult> failed = cells.stream().filter(CellResult::failed).toList();
        assertTrue(failed.isEmpty(), failed.size() + " cell(s) broke their promise (seed " + seed + "): " + failed);
    }

    private static void run(MatrixPlan plan, long seed, CellRunner runner, TestKafka external, Cluster cluster,
                            List<CellResult> cells) {
        for (Map.Entry<String, FlowUnderTest> row : MatrixPlan.ROWS.entrySet()) {
            FlowUnderTest flow = row.getValue();
            for (Fault fault : Fault.values()) {
                Applicability a = !fault.measured ? Applicability.notYet(fault.description)
                        : external != null && fault.killsBrokers()
                        ? Applicability.notApplicable("--brokers: the brokers are not this run's to kill or freeze")
                        : flow.applies(fault);
                if (a.status() != Applicability.Status.APPLIES) {
                    cells.add(CellResult.skipped(flow.name(), fault, a, seed));
                } else if (plan.includes(row.getKey(), fault)) {
                    long cellSeed = seed * 31 + (row.getKey() + "/" + fault.name()).hashCode();
                    boolean onCluster = fault == Fault.CLUSTER_LEADER_KILL;
                    TestKafka kafka = onCluster ? cluster.kafka() : external != null ? external : kafka();
                    CellContext context = new CellContext(kafka, fault,
                            plan.records(row.getKey()), plan.partitions(row.getKey()), plan.inputSpan(fault), cellSeed,
                            () -> onCluster ? cluster.appSettings() : appSettings(kafka));
                    System.out.printf("guarantees: %s x %s (seed %d) ...%n", flow.name(), fault.label, seed);
                    CellResult result = (onCluster ? cluster.runner() : runner).run(flow, fault, context, seed);
                    System.out.printf("guarantees: %s x %s: %s in %.1f s: %s%n", flow.name(), fault.label,
                            result.status(), result.seconds(), result);
                    cells.add(result);
                }
            }
        }
    }

    /** -D settings of one app instance, pointed at the brokers under test. */
    private static Map<String, String> appSettings(TestKafka kafka) {
        Map<String, String> s = new HashMap<>(childAppSettings(unique("unused-consumer"), unique("unused-group")));
        s.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        return s;
    }

    /** The 3-node cluster of the leader/coordinator column, started for its first cell. */
    private static final class Cluster implements AutoCloseable {
        private KafkaClusterLauncher nodes;
        private TestKafka kafka;
        private CellRunner runner;

        private void start() {
            if (nodes == null) {
                nodes = startCluster(3);
                kafka = KafkaTestSupport.kafka(nodes);
                runner = CellRunner.onCluster(kafka, nodes);
            }
        }

        TestKafka kafka() {
            start();
            return kafka;
        }

        CellRunner runner() {
            start();
            return runner;
        }

        Map<String, String> appSettings() {
            return GuaranteeMatrix.appSettings(kafka);
        }

        @Override
        public void close() {
            if (kafka != null) {
                kafka.close();
            }
            if (nodes != null) {
                nodes.close();
            }
        }
    }
}
