package io.kafkaflows.kafka.sink;

import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.kafka.StrictKafkaHeaderFilterStrategy;
import io.kafkaflows.kafka.pollbatch.KafkaPollBatchComponent;
import io.kafkaflows.kafka.pollbatch.KafkaPollBatchEndpoint;
import io.kafkaflows.kafka.tx.KafkaTxComponent;
import io.kafkaflows.kafka.tx.KafkaTxEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.CatalogCamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.GeneratedPropertyConfigurer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kafka-tx: and kafka-poll-batch: are found by Camel from the descriptors generated in the build, bind their
 * options through the generated configurers, refuse an unknown option the way Camel does, and ship component JSON
 * metadata that Camel loads and that matches the endpoint's annotated options. No broker needed.
 */
class KafkaSinkComponentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CamelContext context;

    static Stream<Arguments> sinks() {
        return Stream.of(Arguments.of(KafkaTxEndpoint.SCHEME, KafkaTxComponent.class, KafkaTxEndpoint.class),
                Arguments.of(KafkaPollBatchEndpoint.SCHEME, KafkaPollBatchComponent.class, KafkaPollBatchEndpoint.class));
    }

    @BeforeEach
    void startContext() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @ParameterizedTest
    @CsvSource({"kafka-tx", "kafka-poll-batch"})
    void anUnknownOptionFailsNamingIt(String scheme) {
        ResolveEndpointFailedException e = assertThrows(ResolveEndpointFailedException.class,
                () -> context.getEndpoint(scheme + ":out?recordDon=false&lazyStartProducer=true"));
        assertTrue(e.getMessage().contains("Unknown parameters=[{recordDon=false}]"), e.getMessage());
        assertTrue(e.getMessage().contains(scheme + "://out"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"kafka-tx", "kafka-poll-batch"})
    void aMissingTopicFails(String scheme) {
        ResolveEndpointFailedException e = assertThrows(ResolveEndpointFailedException.class,
                () -> context.getEndpoint(scheme + ":?lazyStartProducer=true"));
        assertTrue(e.getMessage().contains(scheme + " needs a topic"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("sinks")
    void optionsAreBoundByTheGeneratedConfigurer(String scheme, Class<?> componentClass, Class<?> endpointClass) {
        DefaultComponent component = (DefaultComponent) context.getComponent(scheme);
        assertEquals(endpointClass.getName() + "Configurer", component.getEndpointPropertyConfigurer().getClass().getName());
        assertInstanceOf(GeneratedPropertyConfigurer.class, component.getEndpointPropertyConfigurer());
        KafkaSinkEndpoint endpoint = context.getEndpoint(scheme + ":out?lazyStartProducer=true", KafkaSinkEndpoint.class);
        assertEquals("out", endpoint.getTopic());
        assertTrue(endpoint.isLazyStartProducer());
        assertFalse(context.getEndpoint("kafka-tx:out?recordDone=false", KafkaTxEndpoint.class).isRecordDone());
        assertTrue(context.getEndpoint("kafka-tx:out2", KafkaTxEndpoint.class).isRecordDone());
    }

    /** Without an option of its own, the sink filters headers with the Kafka component's strategy. */
    @ParameterizedTest
    @CsvSource({"kafka-tx", "kafka-poll-batch"})
    void headersAreFilteredWithTheKafkaComponentsStrategy(String scheme) {
        StrictKafkaHeaderFilterStrategy strategy = new StrictKafkaHeaderFilterStrategy();
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().setHeaderFilterStrategy(strategy);
        assertSame(strategy, context.getEndpoint(scheme + ":out", KafkaSinkEndpoint.class).getHeaderFilterStrategy());
        context.getRegistry().bind("ownFilter", new StrictKafkaHeaderFilterStrategy());
        assertSame(context.getRegistry().lookupByName("ownFilter"),
                context.getEndpoint(scheme + ":out?headerFilterStrategy=#ownFilter", KafkaSinkEndpoint.class)
                        .getHeaderFilterStrategy());
    }

    @ParameterizedTest
    @MethodSource("sinks")
    void componentJsonLoadsAndMatchesTheEndpointOptions(String scheme, Class<?> componentClass, Class<?> endpointClass)
            throws Exception {
        String json = ((CatalogCamelContext) context).getComponentParameterJsonSchema(scheme);
        assertNotNull(json, "no component JSON for " + scheme);
        JsonNode root = JSON.readTree(json);
        JsonNode component = root.get("component");
        assertEquals(scheme, component.get("scheme").asText());
        assertEquals(componentClass.getName(), component.get("javaType").asText());
        assertEquals(scheme + ":topic", component.get("syntax").asText());
        assertTrue(component.get("producerOnly").asBoolean());
        assertFalse(component.get("description").asText().isBlank());

        Set<String> inJson = new TreeSet<>();
        for (Iterator<String> names = root.get("properties").fieldNames(); names.hasNext(); ) {
            String name = names.next();
            inJson.add(name);
            assertFalse(root.get("properties").get(name).get("description").asText().isBlank(), name + " has no description");
        }
        assertEquals(annotatedOptions(endpointClass), inJson);
        assertTrue(root.get("properties").get("topic").get("required").asBoolean());
        assertEquals("path", root.get("properties").get("topic").get("kind").asText());
        assertTrue(root.get("headers").has(KafkaSinkHeaders.PARTITION_KEY));
    }

    /** @UriPath and @UriParam fields of the class and its superclasses, less consumer options (producer only). */
    private static Set<String> annotatedOptions(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                UriParam param = f.getAnnotation(UriParam.class);
                if (f.isAnnotationPresent(UriPath.class) || param != null && !param.label().contains("consumer")) {
                    names.add(param != null && !param.name().isEmpty() ? param.name() : f.getName());
                }
            }
        }
        return names;
    }
}
