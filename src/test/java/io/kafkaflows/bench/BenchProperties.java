package io.kafkaflows.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import io.kafkaflows.testsupport.FreePorts;

/**
 * The app's settings in the bench: {@link #app} is what every app start gets on top of application.properties (the
 * bench's broker, free ports, fresh group ids, idle topics for the flows a pair does not drive, the demo off), so
 * every flow runs at its defaults; {@link #flowDefault} reads a default the way the app resolves it, for the
 * baselines that copy a flow's policy (the plain consumer loop's max.poll.records).
 */
final class BenchProperties {

    private BenchProperties() {
    }

    static Properties app(String bootstrap) {
        Properties props = new Properties();
        props.setProperty("camel.component.kafka.brokers", bootstrap);
        props.setProperty("camel.server.port", String.valueOf(FreePorts.next()));
        props.setProperty("camel.management.port", String.valueOf(FreePorts.next()));
        props.setProperty("flows.demo.enabled", "false");
        String id = UUID.randomUUID().toString().substring(0, 8);
        for (String flow : List.of("consumer", "transform", "eos", "window")) {
            props.setProperty("flows." + flow + ".group-id", "bench-" + flow + "-" + id);
        }
        props.setProperty("flows.consumer.topic", "bench-idle-" + id);
        props.setProperty("flows.transform.input-topic", "bench-idle-" + id);
        props.setProperty("flows.transform.output-topic", "bench-idle-out-" + id);
        props.setProperty("flows.eos.input-topic", "bench-idle-" + id);
        props.setProperty("flows.eos.output-topic", "bench-idle-out-" + id);
        props.setProperty("flows.eos.transactional-id", "bench-eos-" + id);
        props.setProperty("flows.window.input-topic", "bench-idle-" + id);
        props.setProperty("flows.window.output-topic", "bench-idle-out-" + id);
        props.setProperty("flows.window.late-topic", "bench-idle-late-" + id);
        props.setProperty("flows.producer.transactional-id", "bench-producer-" + id);
        props.setProperty("flows.queue.topic", "bench-idle-" + id);
        props.setProperty("flows.queue.group-id", "bench-queue-" + id);
        String profile = profile();
        if (profile != null) {
            props.setProperty("camel.main.profile", profile);
        }
        return props;
    }

    /**
     * BENCH_JAVA_OPTS=-Dbench.profile=throughput|latency runs the app-based flows under a tuning profile (and the
     * baselines that copy a flow's default copy the profile's).
     */
    static String profile() {
        String profile = System.getProperty("bench.profile");
        return profile == null || profile.isBlank() ? null : profile;
    }

    /**
     * A flow default as the app sees it when started from the project directory (bench/run's working directory):
     * application-{profile}.properties over application.properties. The flow side checks it got the same value
     * ({@link FlowBench#runApp}).
     */
    static String flowDefault(String key) {
        String profile = profile();
        String value = profile == null ? null : load("application-" + profile + ".properties").getProperty(key);
        value = value != null ? value : load("application.properties").getProperty(key);
        if (value == null) {
            throw new IllegalStateException(key + " is not in " + Path.of("application.properties").toAbsolutePath());
        }
        return value.strip();
    }

    private static Properties load(String file) {
        Properties props = new Properties();
        if (!Files.exists(Path.of(file))) {
            return props; // optional, as for the app
        }
        try (Reader in = Files.newBufferedReader(Path.of(file))) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + Path.of(file).toAbsolutePath(), e);
        }
        return props;
    }
}
