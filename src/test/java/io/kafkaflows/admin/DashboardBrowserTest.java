package io.kafkaflows.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.testsupport.Browser;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard page in a real headless Chromium ({@link Browser}: skipped without it, except in .ci/run): values
 * produced in the test (a topic, a consumer group's lag, a share group's lag, the dead-letter count) appear on the
 * rendered page. Leaves a screenshot in target/dashboard.png.
 */
class DashboardBrowserTest extends KafkaTestSupport {

    @Test
    void renderedPageShowsTopicsLagAndDeadLetters() throws Exception {
        Browser.require("DashboardBrowserTest", Browser.CHROMIUM);
        String topic = createTopic(unique("ui-topic"), 2);
        for (int i = 0; i < 4; i++) {
            produce(List.of(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, bytes("k"), bytes("v" + i))));
        }
        String group = unique("ui-group");
        admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1))).all().get();
        Properties props = appProperties();
        String dlq = createTopic(unique("ui-dead"), 1);
        props.setProperty("flows.dlq.topic", dlq);
        produce(dlq, "a", "dead-1");
        produce(dlq, "b", "dead-2");
        String jobs = createTopic(unique("ui-jobs"), 1);
        for (int i = 0; i < 4; i++) {
            produce(jobs, "k", "job-" + i);
        }
        String shareGroup = unique("ui-share-group");
        admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, shareGroup), List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        try (InProcessApp app = InProcessApp.start(props); KafkaShareConsumer<byte[], byte[]> worker = shareConsumer(shareGroup)) {
            // a share group's worker accepts one job (the partition gets its start offset) and holds the rest: lag 3
            worker.subscribe(List.of(jobs));
            List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                worker.poll(Duration.ofMillis(500)).forEach(polled::add);
                return !polled.isEmpty();
            });
            worker.acknowledge(polled.get(0), AcknowledgeType.ACCEPT);
            worker.commitSync();
            String api = app.property("camel.server.port");
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    app.get(api, "/api/share-groups/" + shareGroup).body().contains("\"totalLag\":3"));
            String url = "http://127.0.0.1:" + app.property("camel.server.port") + "/ui";
            String dom = chromium(url, "--dump-dom");
            chromium(url, "--window-size=1100,900", "--screenshot=" + Path.of("target", "dashboard.png").toAbsolutePath());
            assertTrue(dom.contains("<td>" + topic + "</td><td>2</td><td class=\"records\">4</td>"), "topic row with its records:\n" + dom);
            assertTrue(dom.contains("data-group=\"" + group + "\"><b>" + group + "</b> total lag <span class=\"total-lag\">3</span>"),
                    "group lag:\n" + dom);
            assertTrue(dom.contains("<span id=\"dlq-count\">2</span>"), "dead letters:\n" + dom);
            assertTrue(dom.contains("data-group=\"" + shareGroup + "\"><b>" + shareGroup + "</b> total lag <span class=\"total-lag\">3</span>"),
                    "share group lag:\n" + dom);
            assertTrue(Files.size(Path.of("target", "dashboard.png")) > 1000, "screenshot written");
        }
    }

    private static KafkaShareConsumer<byte[], byte[]> shareConsumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        return new KafkaShareConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String chromium(String url, String... args) throws IOException, InterruptedException {
        Path profile = Browser.profileDir();
        List<String> cmd = new ArrayList<>(List.of(Browser.CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=8000"));
        cmd.addAll(List.of(args));
        cmd.add(url);
        Path out = Files.createTempFile("chromium", ".out");
        Process process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 60 s");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
