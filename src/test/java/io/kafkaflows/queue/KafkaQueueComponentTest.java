package io.kafkaflows.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CatalogCamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.GeneratedPropertyConfigurer;
import org.apache.camel.support.DefaultComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kafka-queue: is found from its generated descriptor, binds options through the generated configurer, refuses an
 * unknown option and a missing share group the way Camel does, and ships component JSON metadata with its headers.
 * No broker needed.
 */
class KafkaQueueComponentTest {

    private CamelContext context;

    @BeforeEach
    void startContext() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void optionsAreBoundByTheGeneratedConfigurer() {
        DefaultComponent component = (DefaultComponent) context.getComponent(KafkaQueueEndpoint.SCHEME);
        assertInstanceOf(GeneratedPropertyConfigurer.class, component.getEndpointPropertyConfigurer());
        KafkaQueueEndpoint endpoint = context.getEndpoint("kafka-queue:jobs?groupId=workers&concurrency=8&maxDeliveries=3",
                KafkaQueueEndpoint.class);
        assertEquals("jobs", endpoint.getTopic());
        assertEquals("workers", endpoint.getGroupId());
        assertEquals(8, endpoint.getConcurrency());
        assertEquals(3, endpoint.getMaxDeliveries());
        assertEquals("earliest", endpoint.getStartOffset());
    }

    @Test
    void anUnknownOptionFailsNamingIt() {
        ResolveEndpointFailedException e = assertThrows(ResolveEndpointFailedException.class,
                () -> context.getEndpoint("kafka-queue:jobs?groupId=workers&concurency=8"));
        assertTrue(e.getMessage().contains("Unknown parameters=[{concurency=8}]"), e.getMessage());
    }

    @Test
    void aMissingShareGroupFails() {
        Exception e = assertThrows(Exception.class, () -> context.getEndpoint("kafka-queue:jobs").init());
        assertTrue(e.getMessage().contains("needs a groupId"), e.getMessage());
    }

    @Test
    void componentJsonLoadsWithItsOptionsAndHeaders() throws Exception {
        JsonNode root = new ObjectMapper().readTree(((CatalogCamelContext) context).getComponentParameterJsonSchema("kafka-queue"));
        assertEquals("kafka-queue:topic", root.get("component").get("syntax").asText());
        assertTrue(root.get("component").get("consumerOnly").asBoolean());
        assertTrue(root.get("properties").get("groupId").get("required").asBoolean());
        assertEquals("1", root.get("properties").get("concurrency").get("defaultValue").asText());
        assertTrue(root.get("headers").has(KafkaQueueHeaders.DELIVERY_COUNT));
        assertTrue(root.get("headers").has(KafkaQueueHeaders.LAST_DELIVERY));
    }
}
