package io.kafkaflows.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkaflows.broker.KafkaBrokerLauncher;

/**
 * Runs Kafka's own perf tools (kafka-tools, from the broker's classpath) as separate JVMs (-Xmx512m) and reads their
 * rates; their CPU time and peak RSS are sampled from the child process ({@link ResourceMeter.Child}).
 */
final class KafkaToolRunner {

    private KafkaToolRunner() {
    }

    /**
     * ProducerPerformance, warm: it sends {@code warmup} records first (its own {@code --warmup-records}: the JVM's
     * start-up and JIT stay out of the figures), then {@code records}; records/s and its send-to-ack p50/p99 are its
     * steady-state line. CPU and peak RSS are the child JVM's whole life (warm-up included), per steady-state record.
     */
    static RunResult producerPerformance(String bootstrap, String topic, long records, long warmup, int recordSize) throws Exception {
        Output run = run("org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                "--num-records", String.valueOf(warmup + records), "--warmup-records", String.valueOf(warmup),
                "--record-size", String.valueOf(recordSize), "--throughput", "-1", "--command-property",
                "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true", "compression.type=lz4",
                "linger.ms=10", "batch.size=65536");
        String out = run.text;
        // "200000 steady state records sent, 41884.8 records/sec (3.99 MB/sec), ... 2174 ms 50th, 2390 ms 95th, 2408 ms 99th, ..."
        Matcher m = Pattern.compile("(\\d+) steady state records sent, ([\\d.]+) records/sec.*?([\\d.]+) ms 50th, "
                + "([\\d.]+) ms 95th, ([\\d.]+) ms 99th").matcher(out);
        if (!m.find() || Long.parseLong(m.group(1)) != records) {
            throw new IllegalStateException("no steady-state line for " + records + " records in ProducerPerformance output:\n" + out);
        }
        return RunResult.of(Double.parseDouble(m.group(2)), run.meter.usage(records))
                .withLatency(new double[] {Double.parseDouble(m.group(3)), Double.parseDouble(m.group(5))});
    }

    /** ConsumerPerformance: records/s (its nMsg.sec column), its CPU and peak RSS. */
    static RunResult consumerPerformance(String bootstrap, String topic, long records) throws Exception {
        Output run = run("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic", topic,
                "--messages", String.valueOf(records), "--timeout", "60000", "--group", "perf-" + System.nanoTime());
        String[] lines = run.text.strip().split("\n");
        String[] columns = lines[lines.length - 1].split(",\\s*");
        // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
        return RunResult.of(Double.parseDouble(columns[5]), run.meter.usage(records));
    }

    private record Output(String text, ResourceMeter.Child meter) {
    }

    private static Output run(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", KafkaBrokerLauncher.defaultLibDir().toAbsolutePath().resolve("*").toString(), mainClass));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("kafka-tool", ".out");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        ResourceMeter.Child meter = ResourceMeter.child(process);
        if (!meter.waitFor(Duration.ofMinutes(10)) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(mainClass + " failed:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Output(Files.readString(out, StandardCharsets.UTF_8), meter);
    }
}
