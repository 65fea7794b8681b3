package io.kafkaflows.kafka.tx;

import java.util.Collection;

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
    private CamelContext camelContext;

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener camelListener, TopicInfo topicInfo) {
        KafkaTransactions transactions = CamelContextHelper.mandatoryLookup(camelContext, KafkaTransactions.BEAN_NAME,
                KafkaTransactions.class);
        subscribe.subscribe(consumer, new ConsumerRebalanceListener() {
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
        }, topicInfo);
    }
}
