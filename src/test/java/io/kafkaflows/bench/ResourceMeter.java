package io.kafkaflows.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a run costs the process that runs it (Linux): CPU seconds (user + system, all threads) per million records,
 * the peak resident set size (VmHWM) and the share of wall time spent in GC pauses. For the bench JVM itself,
 * which hosts the app (or the in-process baseline) and the load it is given; the broker is a separate JVM and is
 * never counted. {@link #child(Process)} meters a baseline tool running as its own JVM.
 */
final class ResourceMeter {

    /** What {@link #stop(long)} reports; null fields were not measurable. */
    record Usage(Double cpuSecPerMillion, Double peakRssMb, Double gcPercent) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long cpu0 = OS.getProcessCpuTime();
    private final long gc0 = gcMillis();
    private final long wall0 = System.nanoTime();

    private ResourceMeter() {
    }

    /**
     * A full GC (so G1 can give memory back), then resets the bench JVM's peak RSS to its current RSS (Linux: "5" to
     * /proc/self/clear_refs).
     */
    static void resetPeakRss() {
        System.gc();
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException notLinux) {
            // peakRssMb is then the peak since the JVM started
        }
    }

    static ResourceMeter start() {
        return new ResourceMeter();
    }

    /** CPU and GC since {@link #start()}, for {@code records} records; peak RSS since {@link #resetPeakRss()}. */
    Usage stop(long records) {
        long cpu = OS.getProcessCpuTime() - cpu0;
        double wallMs = (System.nanoTime() - wall0) / 1e6;
        double gc = wallMs <= 0 ? 0 : (gcMillis() - gc0) * 100.0 / wallMs;
        return new Usage(perMillion(cpu, records), rssMb(Path.of("/proc/self/status")), round1(gc));
    }

    static Double perMillion(long cpuNanos, long records) {
        return cpuNanos < 0 || records <= 0 ? null : Math.round(cpuNanos / 1e9 / records * 1e6 * 100) / 100.0;
    }

    private static long gcMillis() {
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        return gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
    }

    /** VmHWM of a /proc/<pid>/status file in MB, or null. */
    static Double rssMb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return round1(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // not Linux, or the process has ended
        }
        return null;
    }

    private static Double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /**
     * Samples a child JVM every 20 ms until it exits: its CPU time (whole life, including its JVM start-up) and
     * its VmHWM, as last seen before the exit (up to 20 ms of its shutdown are missed).
     */
    static final class Child {
        private final Process process;
        private long cpuNanos = -1;
        private Double peakRssMb;

        Child(Process process) {
            this.process = process;
        }

        /** Waits for the exit (at most {@code timeout}), sampling; true if it exited. */
        boolean waitFor(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
            while (System.nanoTime() < deadline) {
                Duration cpu = process.info().totalCpuDuration().orElse(null);
                Double rss = rssMb(status);
                if (!process.isAlive()) {
                    return true;
                }
                cpuNanos = cpu == null ? cpuNanos : cpu.toNanos();
                peakRssMb = rss == null ? peakRssMb : rss;
                process.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            return !process.isAlive();
        }

        Usage usage(long records) {
            return new Usage(perMillion(cpuNanos, records), peakRssMb, null);
        }
    }

    static Child child(Process process) {
        return new Child(process);
    }
}
