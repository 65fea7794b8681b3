package io.kafkaflows.kafka.tx;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy of the transactional Kafka routes ({@code routePolicyRef}): after every poll of the route's consumer,
 * empty ones included, lets {@link KafkaTransactions} commit a transaction that is due (transactions span polls and
 * would otherwise wait for the next record). Installed as camel-kafka's consumer listener, which it calls on the
 * consumer thread. When the consumer's transaction failed outside a record, it makes the consumer rejoin its group
 * ({@link TransactionalSubscribeAdapter#rejoin}) so the aborted records are read again, also when no more come.
 * It marks the route's exchanges {@link #isTransactional transactional}, so shared error handling writes their dead
 * letters into the transaction. After the first poll of each consumer, before any record, it creates the
 * consumer's transactional producer ({@link #initProducer}), so a restarted instance fences its dead predecessor.
 */
public final class TransactionCommitRoutePolicy extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCommitRoutePolicy.class);

    private static final String TRANSACTIONAL = "kafkaflowsTransactional";

    private KafkaTransactions transactions;
    /** Consumers whose producer was created here (or refused for good): each one once, retried while Kafka is away. */
    private final Set<Consumer<?, ?>> initialised = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** Whether the exchange comes from a route with this policy: its outputs and offsets commit in a transaction. */
    public static boolean isTransactional(Exchange exchange) {
        return exchange.getProperty(TRANSACTIONAL) != null;
    }

    /** Marks a record exchange of a poll handled as one exchange (whose poll exchange this policy marked) so. */
    public static void markTransactional(Exchange record) {
        record.setProperty(TRANSACTIONAL, Boolean.TRUE);
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        exchange.setProperty(TRANSACTIONAL, Boolean.TRUE);
    }

    public void setTransactions(KafkaTransactions transactions) {
        this.transactions = transactions;
    }

    private static TransactionalSubscribeAdapter subscribeAdapter(Route route) {
        return CamelContextHelper.mandatoryLookup(route.getCamelContext(), "subscribeAdapter",
                TransactionalSubscribeAdapter.class);
    }

    /**
     * Creates the consumer's transactional producer ({@code initTransactions} with the route's stable id) before its
     * first record, as Kafka Streams does when tasks are assigned: that fences a dead predecessor and aborts its open
     * transaction. A first record may otherwise never come: killed between {@code sendOffsetsToTransaction} and the
     * commit, the predecessor leaves the group's offsets pending, and a read_committed consumer cannot learn its
     * position until the coordinator aborts that transaction (transaction.timeout.ms, 60 s, later). A failure leaves
     * it to the first record, as before; one that is not fatal (Kafka unreachable) is tried again after the next poll.
     */
    private void initProducer(String routeId, Consumer<?, ?> consumer) {
        if (!initialised.add(consumer)) {
            return;
        }
        try {
            transactions.transactionFor(routeId, consumer);
        } catch (RuntimeException e) {
            if (!TransactionalProducerFactory.isFatal(e)) {
                initialised.remove(consumer);
            }
            LOG.warn("Route {}: transactional producer not created before the first record ({})", routeId, e.toString());
        }
    }

    @Override
    public void onInit(Route route) {
        if (!route.getEndpoint().getEndpointUri().startsWith("kafka:")) {
            throw new IllegalStateException("route " + route.getRouteId() + ": " + getClass().getSimpleName()
                    + " belongs on a route consuming from kafka:");
        }
        KafkaConsumerListener listener = new KafkaConsumerListener() {
            @Override
            public boolean afterConsume(Object polling) {
                // the polling consumer itself: one listener serves all of the route's consumer threads
                Consumer<?, ?> consumer = (Consumer<?, ?>) polling;
                transactions.commitIfDue(consumer);
                if (!transactions.isPoisoned(consumer)) {
                    initProducer(route.getRouteId(), consumer);
                    return true;
                }
                // a commit failed outside any exchange (after a poll, in a rebalance callback), or a failure the
                // route swallowed ended a poll: no record of this poll would fail and make camel-kafka re-read, so
                // rejoin and drop the poll; the partitions come back at their committed offsets
                LOG.warn("Route {}: its transaction failed outside a record; rejoining the group to read again from"
                        + " the committed offsets", route.getRouteId());
                subscribeAdapter(route).rejoin(consumer);
                transactions.rewound(consumer);
                return false;
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
