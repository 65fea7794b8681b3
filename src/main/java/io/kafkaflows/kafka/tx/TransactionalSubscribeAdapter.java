package io.kafkaflows.kafka.tx;

import java.lang.ref.WeakReference;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.consumer.support.subcription.DefaultSubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.SubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Bean {@code subscribeAdapter} (camel-kafka subscribes every consumer through the bean of that name): subscribes as
 * camel-kafka would, with its rebalance listener wrapped so that a transactional route's open transaction commits
 * before the consumer's partitions are revoked and is aborted when they are lost, on the consumer thread inside
 * poll(). Consumers without a transaction are not affected.
 */
public final class TransactionalSubscribeAdapter implements SubscribeAdapter, CamelContextAware {

    private final SubscribeAdapter subscribe = new DefaultSubscribeAdapter();
    private final Map<Consumer<?, ?>, WeakReference<TransactionalListener>> listeners =
            Collections.synchronizedMap(new WeakHashMap<>());
    private CamelContext camelContext;

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /**
     * Leaves the group and joins it again with the same rebalance listener, on the consumer thread between polls: the
     * partitions it gets back are read from their committed offsets (the poll in hand must then be dropped), and
     * stateful routes restore their state for the new generation. Kafka Streams rejoins the same way after a task
     * migrated.
     */
    public void rejoin(Consumer<?, ?> consumer) {
        WeakReference<TransactionalListener> ref = listeners.get(consumer);
        TransactionalListener listener = ref == null ? null : ref.get();
        if (listener == null) {
            throw new IllegalStateException("consumer " + consumer + " was not subscribed through " + getClass().getSimpleName());
        }
        consumer.unsubscribe();
        subscribe.subscribe(consumer, listener, listener.topicInfo);
    }

    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener camelListener, TopicInfo topicInfo) {
        KafkaTransactions transactions = CamelContextHelper.mandatoryLookup(camelContext, KafkaTransactions.BEAN_NAME,
                KafkaTransactions.class);
        TransactionalListener listener = new TransactionalListener(consumer, camelListener, topicInfo, transactions);
        // weak both ways: the consumer holds its listener while subscribed, and the listener holds the consumer
        listeners.put(consumer, new WeakReference<>(listener));
        subscribe.subscribe(consumer, listener, topicInfo);
    }

    private static final class TransactionalListener implements ConsumerRebalanceListener {
        private final Consumer<?, ?> consumer;
        private final ConsumerRebalanceListener camelListener;
        private final TopicInfo topicInfo;
        private final KafkaTransactions transactions;

        TransactionalListener(Consumer<?, ?> consumer, ConsumerRebalanceListener camelListener, TopicInfo topicInfo,
                              KafkaTransactions transactions) {
            this.consumer = consumer;
            this.camelListener = camelListener;
            this.topicInfo = topicInfo;
            this.transactions = transactions;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                transactions.commitBeforeRevocation(consumer);
            }
            camelListener.onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            camelListener.onPartitionsAssigned(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            transactions.abortOnPartitionsLost(consumer);
            camelListener.onPartitionsLost(partitions);
        }
    }
}
