package io.kafkaflows.broker;

import java.time.Duration;
import java.util.List;

import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's crash controls ({@link TestBrokerLauncher}) on the shared test broker: SIGKILL takes it down at
 * once; a restart (the product's start again) comes back on the same port with the same data, and clients carry on.
 */
class KafkaBrokerLauncherTest extends KafkaTestSupport {

    @Test
    void killThenRestartKeepsPortAndAcknowledgedData() {
        String topic = createTopic(unique("launcher"), 1);
        produce(topic, "k", "before-crash");
        TestBrokerLauncher launcher = broker();
        String address = launcher.bootstrapServers();
        long pid = launcher.pid();

        launcher.kill();
        assertFalse(launcher.isRunning());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the broker JVM is gone");

        launcher.restart();
        assertTrue(launcher.isRunning());
        assertNotEquals(pid, launcher.pid());
        assertEquals(address, launcher.bootstrapServers());
        produce(topic, "k", "after-restart");
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, "read_committed", 2, Duration.ofSeconds(60));
        assertEquals(List.of("before-crash", "after-restart"), records.stream().map(r -> text(r.value())).toList());
    }
}
