package io.kafkaflows.kafka.aggregation;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.OptimisticLockingAggregationRepository.OptimisticLockingException;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka-backed aggregation repository in a plain user route (aggregate EIP, completion size 3, no
 * transaction): two of a group's three messages go in, the app stops, a new app with the same changelog topic
 * restores the group and completes it with the third. Also: stale versions are refused (optimistic locking), and
 * completed exchanges stay recoverable until confirmed, also across a restart.
 */
class KafkaAggregationRepositoryTest extends KafkaTestSupport {

    private static final AggregationStrategy CONCAT = (oldExchange, newExchange) -> {
        if (oldExchange == null) {
            return newExchange;
        }
        oldExchange.getMessage().setBody(oldExchange.getMessage().getBody(String.class) + "+" + newExchange.getMessage().getBody(String.class));
        return oldExchange;
    };

    private static KafkaAggregationRepository repository(CamelContext context, String topic) throws Exception {
        KafkaAggregationRepository repository = new KafkaAggregationRepository();
        repository.setCamelContext(context);
        repository.setTopic(topic);
        repository.setPartitions(2);
        context.getRegistry().bind("orderRepository", repository);
        return repository;
    }

    private static void addRoute(CamelContext context) throws Exception {
        RouteBuilder.addRoutes(context, routes -> routes.from("direct:orders").routeId("repository-test-orders")
                .aggregate(routes.header("order"), CONCAT).aggregationRepository("#orderRepository")
                .completionSize(3).to("mock:completed"));
    }

    @Test
    void groupsSurviveARestartAndCompleteThere() throws Exception {
        String topic = unique("orders-changelog");
        Properties props = appProperties();
        try (InProcessApp app = InProcessApp.start(props)) {
            repository(app.context(), topic);
            addRoute(app.context());
            app.context().createProducerTemplate().sendBodyAndHeader("direct:orders", "a1", "order", "A");
            app.context().createProducerTemplate().sendBodyAndHeader("direct:orders", "a2", "order", "A");
        }
        try (InProcessApp app = InProcessApp.start(props)) {
            KafkaAggregationRepository repository = repository(app.context(), topic);
            addRoute(app.context());
            assertEquals(java.util.Set.of("A"), repository.getKeys());
            MockEndpoint completed = app.context().getEndpoint("mock:completed", MockEndpoint.class);
            completed.expectedBodiesReceived("a1+a2+a3");
            app.context().createProducerTemplate().sendBodyAndHeader("direct:orders", "a3", "order", "A");
            completed.assertIsSatisfied(Duration.ofSeconds(10).toMillis());
            assertTrue(repository.getKeys().isEmpty());
        }
    }

    @Test
    void staleVersionsAreRefusedAndCompletedExchangesRecoverableUntilConfirmed() throws Exception {
        String topic = unique("locks-changelog");
        Properties props = appProperties();
        String completedId;
        try (InProcessApp app = InProcessApp.start(props)) {
            CamelContext context = app.context();
            KafkaAggregationRepository repository = repository(context, topic);
            repository.start();
            Exchange first = new DefaultExchange(context);
            first.getMessage().setBody("v1");
            repository.add(context, "k", null, first);
            Exchange current = repository.get(context, "k");
            assertThrows(OptimisticLockingException.class, () -> repository.add(context, "k", null, first),
                    "a second 'first' add of the same key");
            Exchange next = new DefaultExchange(context);
            next.getMessage().setBody("v2");
            repository.add(context, "k", current, next);
            assertThrows(OptimisticLockingException.class, () -> repository.add(context, "k", current, next), "stale version");
            Exchange done = repository.get(context, "k");
            repository.remove(context, "k", done);
            completedId = done.getExchangeId();
            assertNull(repository.get(context, "k"));
            assertEquals(List.of(completedId), List.copyOf(repository.scan(context)));
            repository.stop();
        }
        try (InProcessApp app = InProcessApp.start(props)) {
            CamelContext context = app.context();
            KafkaAggregationRepository repository = repository(context, topic);
            repository.start();
            assertEquals(List.of(completedId), List.copyOf(repository.scan(context)), "still to confirm after a restart");
            assertEquals("v2", repository.recover(context, completedId).getMessage().getBody(String.class));
            repository.confirm(context, completedId);
            assertTrue(repository.scan(context).isEmpty());
            repository.stop();
        }
    }
}
