package io.kafkaflows.demo;

import io.kafkaflows.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Makes one sample event per timer tick: {@code {"id", "user", "event", "text", "createdAt"}} as JSON, keyed by
 * user so each user's events stay in order on one partition.
 */
public final class DemoEventProcessor implements Processor {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};
    private static final String[] EVENTS = {"login", "view", "purchase", "logout"};

    @Override
    public void process(Exchange exchange) throws Exception {
        long n = exchange.getProperty(Exchange.TIMER_COUNTER, 1L, Long.class);
        String user = USERS[(int) (n % USERS.length)];
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", n);
        event.put("user", user);
        event.put("event", EVENTS[(int) ((n / USERS.length) % EVENTS.length)]);
        event.put("text", "hello from " + user);
        event.put("createdAt", Instant.now().toString());
        exchange.getIn().setHeader(KafkaConstants.KEY, user);
        exchange.getIn().setBody(JSON.writeValueAsString(event));
    }
}
