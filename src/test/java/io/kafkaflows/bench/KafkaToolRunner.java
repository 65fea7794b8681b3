package io.kafkaflows.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kafkaflows.broker.KafkaBrokerLauncher;

/** Runs Kafka's own perf tools (kafka-tools, from the broker's classpath) as separate JVMs and reads their rates. */
final class KafkaToolRunner {

    private KafkaToolRunner() {
    }

    /** ProducerPerformance: records/s. */
    static double producerPerformance(String bootstrap, String topic, long records, int recordSize) throws Exception {
        String out = run("org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", String.valueOf(records),
                "--record-size", String.valueOf(recordSize), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true", "compression.type=lz4",
                "linger.ms=10", "batch.size=65536");
        Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(out);
        double last = -1;
        while (m.find()) {
            last = Double.parseDouble(m.group(2));
        }
        if (last < 0) {
            throw new IllegalStateException("no rate in ProducerPerformance output:\n" + out);
        }
        return last;
    }

    /** ConsumerPerformance: records/s (its nMsg.sec column). */
    static double consumerPerformance(String bootstrap, String topic, long records) throws Exception {
        String out = run("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic", topic,
                "--messages", String.valueOf(records), "--timeout", "60000", "--group", "perf-" + System.nanoTime());
        String[] lines = out.strip().split("\n");
        String[] columns = lines[lines.length - 1].split(",\\s*");
        // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
        return Double.parseDouble(columns[5]);
    }

    private static String run(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", KafkaBrokerLauncher.defaultLibDir().toAbsolutePath().resolve("*").toString(), mainClass));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("kafka-tool", ".out");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(mainClass + " failed:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
