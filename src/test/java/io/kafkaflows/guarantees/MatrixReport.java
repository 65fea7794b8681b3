package io.kafkaflows.guarantees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Publishes a run: results.json (one object per cell) and the results in markdown (header with commit, date, mode,
 * seed and record counts, each flow's promise once, the table, then every failing cell with its seed and what broke,
 * and why cells are n/a or not yet measured), as a page of their own or as the generated block of
 * docs/guarantees.md. Red cells are published as they are.
 */
final class MatrixReport {

    static final String START = "<!-- guarantee-matrix:start (written by bench/guarantees; do not edit) -->";
    static final String END = "<!-- guarantee-matrix:end -->";

    private final String mode;
    private final String commit;
    private final String date;
    private final long seed;
    private final Map<String, String> sizes;
    private final Duration inputSpan;
    private final List<FlowUnderTest> flows;
    private final List<CellResult> cells;

    MatrixReport(String mode, String commit, String date, long seed, Map<String, String> sizes, Duration inputSpan,
                 List<FlowUnderTest> flows, List<CellResult> cells) {
        this.inputSpan = inputSpan;
        this.mode = mode;
        this.commit = commit;
        this.date = date;
        this.seed = seed;
        this.sizes = sizes;
        this.flows = flows;
        this.cells = cells;
    }

    void writeJson(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), cells);
    }

    /** The results alone, as a page of their own (target/guarantees/guarantees.md). */
    void writeMarkdown(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "# Guarantee matrix, " + mode + " run\n\nWhat the columns and promises mean:"
                + " docs/guarantees.md.\n\n" + block(), StandardCharsets.UTF_8);
    }

    /** The generated part: header, promises, table, failing cells, faults, cells not measured. */
    String block() {
        StringBuilder md = new StringBuilder();
        md.append("Produced by `bench/guarantees").append(mode.equals("quick") ? " --quick" : "").append(" --seed ")
                .append(seed).append("` (").append(mode).append(" mode) at commit `").append(commit).append("` on ")
                .append(date).append(". Records per cell: ");
        sizes.forEach((flow, size) -> md.append(flow).append(' ').append(size).append("; "));
        md.setLength(md.length() - 2);
        md.append("; each cell's input is written while the app runs, over ").append(inputSpan.toSeconds())
                .append(" s (twice that for the zombie, rebalance and random-schedule cells).\n\nPromises, each stated once:\n\n");
        Map<FlowPromise, StringBuilder> byPromise = new LinkedHashMap<>();
        flows.forEach(f -> byPromise.computeIfAbsent(f.promise(), p -> new StringBuilder()).append(", ").append(f.name()));
        byPromise.forEach((p, names) -> md.append("- **").append(names.substring(2)).append("**: ").append(p.statement).append('\n'));
        md.append("\n| flow |");
        for (Fault fault : Fault.values()) {
            md.append(' ').append(fault.label).append(" |");
        }
        md.append("\n|---|");
        md.append("---|".repeat(Fault.values().length)).append('\n');
        for (FlowUnderTest flow : flows) {
            md.append("| ").append(flow.name()).append(" |");
            for (Fault fault : Fault.values()) {
                md.append(' ').append(cellText(find(flow.name(), fault))).append(" |");
            }
            md.append('\n');
        }
        md.append("\nA cell: verdict, duplicates / missing, dead-lettered (late records for windows), the longest stall"
                + " in seconds, and (when 5 s or more) how long the final read_committed read took. \"not run\": measurable but not in this run's selection.\n");
        appendDetails(md);
        return md.toString();
    }

    private void appendDetails(StringBuilder md) {
        List<CellResult> failed = cells.stream().filter(CellResult::failed).toList();
        md.append("\n#### Failing cells\n\n");
        if (failed.isEmpty()) {
            md.append("None in this run.\n");
        }
        failed.forEach(c -> md.append("- ").append(c.flow()).append(" x ").append(c.fault()).append(" (run seed ")
                .append(c.runSeed()).append(", cell seed ").append(c.cellSeed()).append("): ").append(c.detail()).append('\n'));
        md.append("\n#### Faults\n\n");
        for (Fault fault : Fault.values()) {
            md.append("- **").append(fault.label).append("**: ").append(fault.description).append('\n');
        }
        md.append("\n#### Cells not measured\n\n");
        cells.stream().filter(c -> c.status().equals("n/a") || c.status().equals("not yet measured"))
                .forEach(c -> md.append("- ").append(c.flow()).append(" x ").append(c.fault()).append(": ")
                        .append(c.status()).append(" (").append(c.detail()).append(")\n"));
    }

    private CellResult find(String flow, Fault fault) {
        return cells.stream().filter(c -> c.flow().equals(flow) && c.fault().equals(fault.label)).findFirst().orElse(null);
    }

    private static String cellText(CellResult c) {
        if (c == null) {
            return "not run";
        }
        String counts = c.duplicates() + " dup / " + c.missing() + " missing"
                + (c.deadLettered() > 0 ? " / " + c.deadLettered() + " DLQ" : "") + ", stall " + c.stallSeconds() + " s"
                + (c.readSeconds() >= 5 ? ", read " + c.readSeconds() + " s" : "");
        return switch (c.status()) {
            case "pass" -> "pass " + counts;
            case "fail" -> "**FAIL** " + counts + ", seed " + c.runSeed();
            default -> c.status();
        };
    }

    /**
     * Replaces the generated block of a page (between {@link #START} and {@link #END}; the rest of the page is
     * written by hand) with this run's.
     */
    void publish(Path page) throws IOException {
        String text = Files.readString(page, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalStateException(page + " has no " + START + " ... " + END + " block");
        }
        Files.writeString(page, text.substring(0, start + START.length()) + "\n" + block() + text.substring(end),
                StandardCharsets.UTF_8);
    }
}
