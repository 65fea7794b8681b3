package io.kafkaflows.producer;

import java.util.List;

import io.kafkaflows.http.HttpErrorResponseProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and validation of produce requests, without Kafka: what becomes a record, what is refused and why. */
class ProduceRequestProcessorTest {

    private final ProduceRequestProcessor processor = new ProduceRequestProcessor();

    private Exchange request(String topic, String body, String... queryFlags) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("topic", topic);
        exchange.getIn().setHeader("User-Agent", "curl");
        for (String flag : queryFlags) {
            exchange.getIn().setHeader(flag, "true");
        }
        exchange.getIn().setBody(body);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static List<Message> records(Exchange exchange) {
        return exchange.getIn().getBody(List.class);
    }

    @Test
    void keyValueHeadersAndPartitionBecomeOneRecord() throws Exception {
        Exchange exchange = request("orders", "{\"key\":\"k-1\",\"value\":{\"a\":[1,2]},\"headers\":{\"h\":\"v\"}}");
        processor.process(exchange);

        List<Message> records = records(exchange);
        assertEquals(1, records.size());
        Message record = records.get(0);
        assertArrayEquals("{\"a\":[1,2]}".getBytes(), record.getBody(byte[].class));
        assertArrayEquals("k-1".getBytes(), record.getHeader(KafkaConstants.KEY, byte[].class));
        assertArrayEquals("v".getBytes(), record.getHeader("h", byte[].class));
        assertNull(record.getHeader(KafkaConstants.PARTITION_KEY));
        assertEquals("orders", exchange.getProperty(ProduceRequestProcessor.TOPIC));
        assertEquals("sync", exchange.getProperty(ProduceRequestProcessor.MODE));
        assertTrue((Boolean) exchange.getProperty(ProduceRequestProcessor.SINGLE));
        assertTrue(exchange.getIn().getHeaders().isEmpty(), "inbound HTTP headers are dropped");
    }

    @Test
    void nonTextKeyIsItsJsonAndNullValueIsATombstone() throws Exception {
        Exchange exchange = request("t", "[{\"key\":{\"id\":7},\"value\":null}]", "transactional");
        processor.process(exchange);

        Message record = records(exchange).get(0);
        assertArrayEquals("{\"id\":7}".getBytes(), record.getHeader(KafkaConstants.KEY, byte[].class));
        assertNull(record.getBody());
        assertFalse((Boolean) exchange.getProperty(ProduceRequestProcessor.SINGLE));
        assertEquals("transactional", exchange.getProperty(ProduceRequestProcessor.MODE));
    }

    @Test
    void refusesWhatCannotBeWritten() {
        processor.setAllowedTopics("ok-.*");
        processor.setMaxRequestSize(1000);
        assertStatus(403, "not-ok", "{\"value\":1}");
        assertStatus(400, "ok-1", "not json");
        assertStatus(400, "ok-1", "42");
        assertStatus(400, "ok-1", "{\"key\":\"no value\"}");
        assertStatus(400, "ok-1", "{\"value\":1,\"partition\":-1}");
        assertStatus(400, "ok-1", "{\"value\":1,\"partition\":1.5}");
        assertStatus(400, "ok-1", "{\"value\":1,\"headers\":{\"CamelKafkaOverrideTopic\":\"x\"}}");
        assertStatus(400, "ok-1", "{\"value\":1,\"headers\":[\"h\"]}");
        assertStatus(400, "ok 1", "{\"value\":1}");
        assertStatus(413, "ok-1", "{\"value\":\"" + "z".repeat(1000) + "\"}");
        assertStatus(400, "ok-1", "{\"value\":1}", "async", "transactional");
    }

    private void assertStatus(int status, String topic, String body, String... flags) {
        Exception e = assertThrows(Exception.class, () -> processor.process(request(topic, body, flags)));
        assertEquals(status, HttpErrorResponseProcessor.toProblem(e).status(), body + " -> " + e);
    }
}
