package io.kafkaflows.guarantees;

/**
 * One cell of the matrix as published in results.json: the flow, the fault, the verdict ("pass", "fail", "n/a",
 * "not yet measured"), the counts, the longest stall (seconds without committed progress once the flow had
 * started), the read seconds (the independent read_committed read after the end, waiting for open transactions
 * included), the faults injected, the seeds (the run's, and the cell's derived from it) and why it failed or does
 * not apply.
 */
public record CellResult(String flow, String fault, String status, long recordsIn, long out, long deadLettered,
                         long duplicates, long missing, long wrong, String wrongMeans, double stallSeconds, double readSeconds,
                         int faultsInjected, long runSeed, long cellSeed, double seconds, String detail) {

    public static CellResult skipped(String flow, Fault fault, Applicability a, long runSeed) {
        String status = a.status() == Applicability.Status.NOT_APPLICABLE ? "n/a" : "not yet measured";
        return new CellResult(flow, fault.label, status, 0, 0, 0, 0, 0, 0, "", 0, 0, 0, runSeed, 0, 0, a.reason());
    }

    public boolean failed() {
        return status.equals("fail");
    }
}
