package io.kafkaflows.bench;

/**
 * One measured run: records per second and what it cost. Fields that do not apply to a run are null
 * ({@code p50Ms}/{@code p99Ms} when no latency was taken, {@code peakRssMb} when not measurable).
 */
record RunResult(double recordsPerSec, Double cpuSecPerMillion, Double peakRssMb, Double gcPercent, Double p50Ms,
                 Double p99Ms) {

    static RunResult of(double recordsPerSec, ResourceMeter.Usage usage) {
        return new RunResult(recordsPerSec, usage.cpuSecPerMillion(), usage.peakRssMb(), usage.gcPercent(), null, null);
    }

    /** For baselines that share the bench JVM: its RSS is not theirs alone. */
    RunResult withoutRss() {
        return new RunResult(recordsPerSec, cpuSecPerMillion, null, gcPercent, p50Ms, p99Ms);
    }

    RunResult withLatency(double[] p50p99) {
        return p50p99 == null ? this
                : new RunResult(recordsPerSec, cpuSecPerMillion, peakRssMb, gcPercent, p50p99[0], p50p99[1]);
    }

    /** One line of the bench's progress output. */
    @Override
    public String toString() {
        return String.format("%,.0f rec/s, CPU %s s/M, RSS %s MB, GC %s %%%s", recordsPerSec, cpuSecPerMillion, peakRssMb == null ? "-" : peakRssMb,
                gcPercent == null ? "-" : gcPercent, p50Ms == null ? "" : ", p50/p99 " + p50Ms + "/" + p99Ms + " ms");
    }
}
