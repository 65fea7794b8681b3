package io.kafkaflows.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.decorators.KafkaSpanDecorator;
import org.apache.camel.util.CaseInsensitiveMap;

/**
 * Camel's Kafka span decorator (camel-telemetry 4.18.0), fixed for the 4.22 app: a consumed record's trace headers
 * ({@code traceparent}, {@code tracestate}, {@code baggage}) arrive as bytes, which 4.18.0 ignores (it reads String
 * headers only; fixed upstream in 4.18.2 by apache/camel#22545), so every consumed record started a new trace; and
 * camel-kafka 4.22 renamed the partition, offset, key and override-topic headers that 4.18.0 tags spans with.
 * Registered through {@code META-INF/services/org.apache.camel.telemetry.SpanDecorator}, replacing the built-in one.
 */
public class KafkaRecordSpanDecorator extends KafkaSpanDecorator {

    static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate", "baggage");

    @Override
    public String getDestination(Exchange exchange, Endpoint endpoint) {
        String topic = exchange.getIn().getHeader(KafkaConstants.OVERRIDE_TOPIC, String.class);
        return topic != null ? topic : super.getDestination(exchange, endpoint);
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        tag(span, KAFKA_PARTITION_TAG, exchange.getIn().getHeader(KafkaConstants.PARTITION));
        tag(span, KAFKA_OFFSET_TAG, exchange.getIn().getHeader(KafkaConstants.OFFSET));
        Object key = exchange.getIn().getHeader(KafkaConstants.KEY);
        tag(span, KAFKA_KEY_TAG, key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key);
    }

    private static void tag(Span span, String name, Object value) {
        if (value != null) {
            span.setTag(name, String.valueOf(value));
        }
    }

    @Override
    public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
        return new TraceHeaders(exchange.getIn().getHeaders());
    }

    /** The exchange's trace headers (all a W3C trace context and baggage propagator reads), as text. */
    static final class TraceHeaders implements SpanContextPropagationExtractor {
        private final Map<String, Object> headers = new CaseInsensitiveMap();

        TraceHeaders(Map<String, Object> exchangeHeaders) {
            for (String name : TRACE_HEADERS) {
                Object value = exchangeHeaders.get(name);
                if (value instanceof String) {
                    headers.put(name, value);
                } else if (value instanceof byte[] bytes) {
                    headers.put(name, new String(bytes, StandardCharsets.UTF_8));
                }
            }
        }

        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
            return headers.entrySet().iterator();
        }

        @Override
        public Object get(String key) {
            return headers.get(key);
        }

        @Override
        public Set<String> keys() {
            return headers.keySet();
        }
    }
}
