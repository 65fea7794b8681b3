package io.kafkaflows.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Small helpers shared by the beans that write Kafka records themselves (dead letters, the Kafka sinks): the
 * Kafka headers of a Camel message, a bytes producer configured like the routes' ones, and the flow a route
 * belongs to.
 */
public final class KafkaRecords {

    private KafkaRecords() {
    }

    /** The message's headers as Kafka headers, leaving out Camel's own (any case) and those {@code skip} rejects. */
    public static List<Header> headersOf(Message message, Predicate<String> skip) {
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, Object> h : message.getHeaders().entrySet()) {
            String name = h.getKey();
            if (name.regionMatches(true, 0, "camel", 0, 5) || skip.test(name)) {
                continue;
            }
            headers.add(header(name, h.getValue()));
        }
        return headers;
    }

    /**
     * The message's headers as Kafka headers, leaving out those {@code filter} keeps from Kafka (as a {@code kafka:}
     * producer does with its header filter strategy). Values: bytes as they are, anything else as its text (UTF-8).
     */
    public static List<Header> headersOf(Exchange exchange, Message message, HeaderFilterStrategy filter) {
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, Object> h : message.getHeaders().entrySet()) {
            if (!filter.applyFilterToCamelHeaders(h.getKey(), h.getValue(), exchange)) {
                headers.add(header(h.getKey(), h.getValue()));
            }
        }
        return headers;
    }

    /** The Kafka component's header filter strategy ({@code camel.component.kafka.header-filter-strategy}). */
    public static HeaderFilterStrategy componentHeaderFilter(CamelContext context) {
        return context.getComponent("kafka", KafkaComponent.class).getConfiguration().getHeaderFilterStrategy();
    }

    private static Header header(String name, Object v) {
        return new RecordHeader(name, v instanceof byte[] b ? b : v == null ? null : v.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A byte[] producer with acks=all and idempotence, on the Kafka component's settings plus {@code extra}, made by
     * the component's client factory like the routes' clients ({@link KafkaClients}).
     */
    public static Producer<byte[], byte[]> bytesProducer(CamelContext context, Map<String, Object> extra) {
        Properties props = KafkaClientProperties.producer(context);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(extra);
        return KafkaClients.producer(context, props);
    }

    /** The flow of the route the exchange came from: the route's group (consumer, transform, ...), else its id. */
    public static String flowOf(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        Route route = routeId == null ? null : exchange.getContext().getRoute(routeId);
        String group = route == null ? null : route.getGroup();
        return group != null ? group : routeId == null ? "unknown" : routeId;
    }
}
