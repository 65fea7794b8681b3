package io.kafkaflows.guarantees;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.kafkaflows.broker.KafkaClusterLauncher;
import io.kafkaflows.broker.TestBrokerLauncher;
import io.kafkaflows.testsupport.AppProcess;
import io.kafkaflows.testsupport.TestKafka;

import static org.awaitility.Awaitility.await;

/**
 * Runs one cell: a fresh {@link PreparedCell} (own topics, group, input), the packaged app as child process(es),
 * the fault injected at seeded points of the committed progress, then the flow run to the end (every input offset
 * committed), the instances stopped and the outputs counted by independent readers and judged against the flow's
 * promise (the time that reading takes, open transactions of killed producers included, is the cell's read
 * seconds). A cell that errors is a failed cell, published with its error.
 */
final class CellRunner {

    /** The app's camel.component.kafka.request-timeout-ms (application.properties) and how its clients say so. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern TIMED_OUT = Pattern.compile("TimeoutException|timed out|Disconnecting from node");
    private static final Pattern DLQ_FAILURE = Pattern.compile("is not writable|RecordTooLargeException");

    private final TestKafka kafka;
    private final TestBrokerLauncher broker;
    private final KafkaClusterLauncher cluster;

    /** Cells on the single broker. */
    CellRunner(TestKafka kafka, TestBrokerLauncher broker) {
        this(kafka, broker, null);
    }

    private CellRunner(TestKafka kafka, TestBrokerLauncher broker, KafkaClusterLauncher cluster) {
        this.kafka = kafka;
        this.broker = broker;
        this.cluster = cluster;
    }

    /** Cells on a 3-node cluster (the leader/coordinator column). */
    static CellRunner onCluster(TestKafka kafka, KafkaClusterLauncher cluster) {
        return new CellRunner(kafka, null, cluster);
    }

    CellResult run(FlowUnderTest flow, Fault fault, CellContext context, long runSeed) {
        long started = System.nanoTime();
        Random random = new Random(context.seed());
        List<AppProcess> apps = new ArrayList<>();
        try (PreparedCell cell = flow.prepare(context)) {
            long total = cell.source().records();
            Duration bound = Duration.ofSeconds(120 + total / 200);
            LongSupplier progress = () -> cell.progress(kafka);
            PacedProducer input = PacedProducer.start(kafka, cell.input(), context.inputSpan());
            ProgressWatch watch = ProgressWatch.start(progress, total);
            Schedule schedule = new Schedule(cell, apps, progress, total, bound, random, input);
            int faults = schedule.inject(fault);
            await().atMost(bound.multipliedBy(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> progress.getAsLong() >= total || input.failed());
            double stall = watch.stop();
            for (AppProcess app : apps) {
                app.stop();
            }
            cell.written(input.await(bound));
            long countStarted = System.nanoTime();
            Counts c = cell.count();
            double readSeconds = seconds(countStarted);
            long wrong = c.wrong() + schedule.committedPastPoison;
            String note = schedule.committedPastPoison > 0
                    ? joined(c.note(), schedule.committedPastPoison + " committed past a poison record whose dead letter failed") : c.note();
            Counts judged = new Counts(c.in(), c.out(), c.deadLettered(), c.duplicates(), c.missing(), wrong, note);
            String broken = flow.promise().broken(judged, faults, flow.recordsPerPoll());
            if (schedule.landedLate) {
                broken = joined(broken, "a fault landed after the input was done (more records needed)");
            }
            return new CellResult(flow.name(), fault.label, broken == null ? "pass" : "fail", c.in(), c.out(),
                    c.deadLettered(), c.duplicates(), c.missing(), wrong, note, stall, readSeconds, faults, runSeed, context.seed(),
                    seconds(started), broken == null ? schedule.log.toString().trim() : broken);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            return new CellResult(flow.name(), fault.label, "fail", context.records(), 0, 0, 0, 0, 0, "", 0, 0, 0, runSeed,
                    context.seed(), seconds(started), "error: " + e);
        } finally {
            apps.forEach(AppProcess::close);
            if (broker != null && !broker.isRunning()) {
                broker.start();
            }
            if (cluster != null) {
                IntStream.rangeClosed(1, cluster.size()).filter(i -> !cluster.node(i).isRunning())
                        .forEach(i -> cluster.node(i).start());
            }
        }
    }

    private static String joined(String a, String b) {
        return a == null || a.isEmpty() ? b : a + "; " + b;
    }

    private static double seconds(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1e8) / 10.0;
    }

    /** The fault schedule of one cell: where (committed progress) each fault lands, and injecting it. */
    private final class Schedule {
        private final PreparedCell cell;
        private final List<AppProcess> apps;
        private final LongSupplier progress;
        private final long total;
        private final Duration bound;
        private final Random random;
        private final StringBuilder log = new StringBuilder();
        private final String transactionalIdPrefix = SequencedFlow.unique("guarantees-tx");
        private boolean landedLate;
        private long committedPastPoison;
        private final PacedProducer input;

        Schedule(PreparedCell cell, List<AppProcess> apps, LongSupplier progress, long total, Duration bound, Random random,
                 PacedProducer input) {
            this.input = input;
            this.cell = cell;
            this.apps = apps;
            this.progress = progress;
            this.total = total;
            this.bound = bound;
            this.random = random;
        }

        /** Injects the column's fault(s); returns how many were injected. */
        int inject(Fault fault) {
            AppProcess first = startInstance(0);
            switch (fault) {
                case ZOMBIE -> {
                    startInstance(1);
                    awaitProgress(target(0, 1));
                    await().atMost(bound).ignoreExceptions().until(() -> kafka.groupMembers(cell.source().group()) == 2);
                    first.pause();
                    long frozenAt = mark("SIGSTOP one of two instances");
                    await().atMost(bound).ignoreExceptions().until(() -> kafka.groupMembers(cell.source().group()) == 1);
                    awaitProgress(frozenAt + Math.max(1, (total - frozenAt) / 3));
                    first.resume();
                    mark("SIGCONT");
                    return 1;
                }
                case REBALANCE -> {
                    awaitProgress(target(0, 3));
                    mark("second instance starts");
                    AppProcess second = startInstance(1);
                    await().atMost(bound).ignoreExceptions().until(() -> kafka.groupMembers(cell.source().group()) == 2);
                    awaitProgress(Math.min(target(1, 3), progress.getAsLong() + total / 10));
                    mark("second instance SIGTERM");
                    second.stop();
                    return 2;
                }
                case DLQ_UNWRITABLE -> {
                    await().atMost(bound).pollInterval(Duration.ofMillis(100))
                            .until(() -> DLQ_FAILURE.matcher(first.output()).results().count() >= 3);
                    cell.written(input.await(bound));
                    committedPastPoison = cell.committedPastPoison();
                    mark("three dead-letter writes failed; DLQ topic repaired");
                    cell.repairDeadLetterTopic();
                    return 1;
                }
                default -> {
                    List<Fault> steps = switch (fault) {
                        case RANDOM -> List.of(draw(), draw(), draw());
                        case POISON -> List.of(Fault.APP_SIGKILL);
                        default -> List.of(fault);
                    };
                    for (int i = 0; i < steps.size(); i++) {
                        awaitProgress(target(i, steps.size()));
                        mark(steps.get(i).label);
                        single(steps.get(i));
                    }
                    return steps.size();
                }
            }
        }

        /** The node coordinating the cell's group, or (no group: HTTP ingress, replay) leading the topic's partition 0. */
        private int coordinatorOrLeader() {
            String group = cell.source().group();
            try {
                if (!group.startsWith("(")) {
                    return kafka.admin().describeConsumerGroups(List.of(group)).describedGroups().get(group)
                            .get(30, TimeUnit.SECONDS).coordinator().id();
                }
                return kafka.admin().describeTopics(List.of(cell.source().topic())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(cell.source().topic()).partitions().get(0).leader().id();
            } catch (Exception e) {
                throw new IllegalStateException("cannot find the coordinator or leader to kill: " + e, e);
            }
        }

        private Fault draw() {
            Fault[] choices = {Fault.APP_SIGKILL, Fault.APP_SIGTERM, Fault.BROKER_RESTART};
            return choices[random.nextInt(choices.length)];
        }

        private void single(Fault fault) {
            AppProcess running = apps.get(apps.size() - 1);
            switch (fault) {
                case APP_SIGKILL -> {
                    running.kill();
                    startInstance(0);
                }
                case APP_SIGTERM -> {
                    running.stop();
                    startInstance(0);
                }
                case BROKER_RESTART -> {
                    broker.kill();
                    broker.restart();
                }
                case COORDINATOR_TIMEOUT -> {
                    int seen = running.output().length();
                    long frozen = System.nanoTime();
                    broker.pause();
                    try {
                        // frozen past the request timeout until the app saw it (or three request timeouts went by)
                        await().atMost(bound).pollInterval(Duration.ofMillis(200)).until(() -> {
                            long frozenFor = System.nanoTime() - frozen;
                            return frozenFor > REQUEST_TIMEOUT.toNanos() && (frozenFor > 3 * REQUEST_TIMEOUT.toNanos()
                                    || TIMED_OUT.matcher(running.output().substring(seen)).find());
                        });
                    } finally {
                        broker.resume();
                    }
                }
                case CLUSTER_LEADER_KILL -> {
                    int node = coordinatorOrLeader();
                    log.append("(node ").append(node).append(") ");
                    cluster.node(node).kill();
                    awaitProgress(Math.min(total, progress.getAsLong() + Math.max(1, total / 10)));
                    mark("node " + node + " restarted");
                    cluster.node(node).start();
                }
                default -> throw new IllegalArgumentException(fault.name());
            }
        }

        /** The k-th of n fault points: evenly spread over the input, moved by up to a quarter of a step by the seed. */
        private long target(int k, int n) {
            long step = total / (n + 1);
            return Math.max(1, step * (k + 1) + (long) ((random.nextDouble() - 0.5) * step / 2));
        }

        private void awaitProgress(long target) {
            await().atMost(bound).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> progress.getAsLong() >= target || input.failed());
            if (input.failed()) {
                cell.written(input.await(bound));
            }
        }

        private long mark(String what) {
            long at = progress.getAsLong();
            landedLate |= at >= total;
            log.append(what).append(" at ").append(at).append("; ");
            return at;
        }

        /**
         * Starts app instance {@code identity}: 0 is the first instance (restarted as itself after SIGKILL or SIGTERM,
         * with the same transactional ids, so it fences its dead predecessor), 1 the second one.
         */
        private AppProcess startInstance(int identity) {
            Map<String, String> settings = new HashMap<>(cell.settings());
            settings.put("flows.eos.transactional-id", transactionalIdPrefix + "-" + identity);
            String name = SequencedFlow.unique("guarantees-" + cell.source().group());
            AppProcess app = AppProcess.start(name, settings, cell.env());
            apps.add(app);
            return app;
        }
    }
}
