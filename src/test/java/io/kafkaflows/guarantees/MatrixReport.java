package io.kafkaflows.guarantees;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Publishes a run: results.json (one object per cell) and the markdown page (intro, header with commit, date, mode,
 * seed and record counts, each flow's promise once, the table, then every failing cell with its seed and what broke,
 * and why cells are n/a or not yet measured). Red cells are published as they are.
 */
final class MatrixReport {

    private final String mode;
    private final String commit;
    private final String date;
    private final long seed;
    private final Map<String, String> sizes;
    private final List<FlowUnderTest> flows;
    private final List<CellResult> cells;

    MatrixReport(String mode, String commit, String date, long seed, Map<String, String> sizes, List<FlowUnderTest> flows,
                 List<CellResult> cells) {
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

    void writeMarkdown(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    }

    String markdown() {
        StringBuilder md = new StringBuilder(intro());
        md.append("\n## Results\n\n");
        md.append("Produced by `bench/guarantees").append(mode.equals("quick") ? " --quick" : "").append(" --seed ")
                .append(seed).append("` (").append(mode).append(" mode) at commit `").append(commit).append("` on ")
                .append(date).append(". Records per cell: ");
        sizes.forEach((flow, size) -> md.append(flow).append(' ').append(size).append("; "));
        md.setLength(md.length() - 2);
        md.append(".\n\nPromises, each stated once:\n\n");
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
                + " in seconds. \"not run\": measurable but not in this run's selection.\n");
        appendDetails(md);
        return md.toString();
    }

    private void appendDetails(StringBuilder md) {
        List<CellResult> failed = cells.stream().filter(CellResult::failed).toList();
        md.append("\n### Failing cells\n\n");
        if (failed.isEmpty()) {
            md.append("None in this run.\n");
        }
        failed.forEach(c -> md.append("- ").append(c.flow()).append(" x ").append(c.fault()).append(" (run seed ")
                .append(c.runSeed()).append(", cell seed ").append(c.cellSeed()).append("): ").append(c.detail()).append('\n'));
        md.append("\n### Faults\n\n");
        for (Fault fault : Fault.values()) {
            md.append("- **").append(fault.label).append("**: ").append(fault.description).append('\n');
        }
        md.append("\n### Cells not measured\n\n");
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
                + (c.deadLettered() > 0 ? " / " + c.deadLettered() + " DLQ" : "") + ", stall " + c.stallSeconds() + " s";
        return switch (c.status()) {
            case "pass" -> "pass " + counts;
            case "fail" -> "**FAIL** " + counts + ", seed " + c.runSeed();
            default -> c.status();
        };
    }

    private static String intro() {
        try (InputStream in = MatrixReport.class.getResourceAsStream("/guarantees/intro.md")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
