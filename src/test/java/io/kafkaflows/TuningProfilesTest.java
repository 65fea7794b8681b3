package io.kafkaflows;

import java.util.Properties;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tuning profiles (camel.main.profile=throughput | latency) reach the Kafka component, and every flow starts
 * under them (e.g. the retry budget check accepts their poll sizes with their redelivery delays).
 */
class TuningProfilesTest extends KafkaTestSupport {

    @ParameterizedTest
    @CsvSource({"throughput, 262144, 20, lz4, 1000", "latency, 16384, 0, none, 50"})
    void profileReachesTheKafkaComponentAndAllFlowsStart(String profile, int batchSize, int lingerMs, String codec,
                                                         int maxPollRecords) {
        Properties props = appProperties();
        props.setProperty("camel.main.profile", profile);
        try (InProcessApp app = InProcessApp.start(props)) {
            KafkaConfiguration kafka = app.context().getComponent("kafka", KafkaComponent.class).getConfiguration();
            assertEquals(batchSize, kafka.getProducerBatchSize());
            assertEquals(lingerMs, kafka.getLingerMs());
            assertEquals(codec, kafka.getCompressionCodec());
            assertEquals(maxPollRecords, kafka.getMaxPollRecords());
            for (String route : new String[] {"consumer-records", "stream-transform", "exactly-once", "windowed-aggregation"}) {
                assertEquals(ServiceStatus.Started, app.context().getRouteController().getRouteStatus(route), route);
            }
        }
    }
}
