package io.kafkaflows.kafka.sink;

import org.apache.camel.Exchange;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each exchange's record ({@link KafkaSinkEndpoint#record}) through the bean that owns the sink's producers
 * ({@code kafkaTransactions}, {@code pollBatches}), looked up once when the producer starts.
 */
public abstract class KafkaSinkProducer<T> extends DefaultProducer {

    private final String beanName;
    private final Class<T> beanType;
    private T writer;

    protected KafkaSinkProducer(KafkaSinkEndpoint endpoint, String beanName, Class<T> beanType) {
        super(endpoint);
        this.beanName = beanName;
        this.beanType = beanType;
    }

    @Override
    public KafkaSinkEndpoint getEndpoint() {
        return (KafkaSinkEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        writer = CamelContextHelper.mandatoryLookup(getEndpoint().getCamelContext(), beanName, beanType);
    }

    @Override
    public void process(Exchange exchange) {
        write(writer, exchange, getEndpoint().record(exchange));
    }

    protected abstract void write(T writer, Exchange exchange, ProducerRecord<byte[], byte[]> record);
}
