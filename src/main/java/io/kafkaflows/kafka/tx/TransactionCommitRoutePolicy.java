package io.kafkaflows.kafka.tx;

import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Route policy of the transactional Kafka routes ({@code routePolicyRef}): after every poll of the route's consumer,
 * empty ones included, lets {@link KafkaTransactions} commit a transaction that is due (transactions span polls and
 * would otherwise wait for the next record). Installed as camel-kafka's consumer listener, which it calls on the
 * consumer thread; it never pauses or seeks the consumer.
 */
public final class TransactionCommitRoutePolicy extends RoutePolicySupport {

    private KafkaTransactions transactions;

    public void setTransactions(KafkaTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public void onInit(Route route) {
        if (!route.getEndpoint().getEndpointUri().startsWith("kafka:")) {
            throw new IllegalStateException("route " + route.getRouteId() + ": " + getClass().getSimpleName()
                    + " belongs on a route consuming from kafka:");
        }
        KafkaConsumerListener listener = new KafkaConsumerListener() {
            @Override
            public boolean afterConsume(Object consumer) {
                // the polling consumer itself: one listener serves all of the route's consumer threads
                transactions.commitIfDue((org.apache.kafka.clients.consumer.Consumer<?, ?>) consumer);
                return true;
            }

            @Override
            public boolean afterProcess(ProcessingResult result) {
                return true;
            }
        };
        // the route hands it to its consumer when it creates it (ConsumerListenerAware)
        route.setConsumerListener(listener);
        if (route.getConsumer() instanceof KafkaConsumer consumer) {
            consumer.setConsumerListener(listener);
        }
    }
}
