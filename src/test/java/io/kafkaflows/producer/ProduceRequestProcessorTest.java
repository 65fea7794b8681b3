package io.kafkaflows.producer;

import java.util.List;
import java.util.Map;

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
        assertEquals(Map.of(KafkaConstants.OVERRIDE_TOPIC, "orders"), exchange.getIn().getHeaders(),
                "inbound HTTP headers are dropped; the topic is named for the send");
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

    /** With tracing on, records carry the request's trace context; a record's own traceparent wins; off, none. */
    @Test
    void recordsCarryTheRequestsTraceContextOnlyWithTracingOn() throws Exception {
        String body = "[{\"value\":1},{\"value\":2,\"headers\":{\"traceparent\":\"own\"}}]";
        Exchange traced = request("orders", body);
        traced.getIn().setHeader("traceparent", "00-request-span-01");
        traced.getIn().setHeader("tracestate", "vendor=1");
        processor.setTraceContext(true);
        processor.process(traced);
        List<Message> records = records(traced);
        assertArrayEquals("00-request-span-01".getBytes(), records.get(0).getHeader("traceparent", byte[].class));
        assertArrayEquals("vendor=1".getBytes(), records.get(0).getHeader("tracestate", byte[].class));
        assertArrayEquals("own".getBytes(), records.get(1).getHeader("traceparent", byte[].class));

        Exchange untraced = request("orders", body);
        untraced.getIn().setHeader("traceparent", "00-request-span-01");
        processor.setTraceContext(false);
        processor.process(untraced);
        assertNull(records(untraced).get(0).getHeader("traceparent"));
    }

    private void assertStatus(int status, String topic, String body, String... flags) {
        Exception e = assertThrows(Exception.class, () -> processor.process(request(topic, body, flags)));
        assertEquals(status, HttpErrorResponseProcessor.toProblem(e).status(), body + " -> " + e);
    }
}
