package io.kafkaflows.kafka.tx;

import io.kafkaflows.kafka.sink.KafkaSinkEndpoint;
import io.kafkaflows.kafka.sink.KafkaSinkHeaders;
import org.apache.camel.Category;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;

/**
 * Write records to a Kafka topic inside the transaction of the Kafka consumer that read the current record, so
 * outputs and consumed offsets commit together (exactly-once consume-transform-produce, bean kafkaTransactions).
 * An exchange that did not come from the consumer (an aggregated one) writes into the transaction open on the
 * current consumer thread. Record key, partition, value and headers as {@link KafkaSinkEndpoint} builds them.
 */
@UriEndpoint(firstVersion = "1.0.0", scheme = KafkaTxEndpoint.SCHEME, title = "Kafka Transactional Sink",
             syntax = "kafka-tx:topic", producerOnly = true, category = { Category.MESSAGING },
             headersClass = KafkaSinkHeaders.class)
public class KafkaTxEndpoint extends KafkaSinkEndpoint {

    public static final String SCHEME = "kafka-tx";

    @UriParam(label = "producer", defaultValue = "true",
              description = "Whether writing marks the input record done (its offset joins the transaction). false:"
                      + " only write; the route calls kafkaTransactions.recordDone itself (several or no outputs per"
                      + " record).")
    private boolean recordDone = true;

    KafkaTxEndpoint(String uri, KafkaTxComponent component, String topic) {
        super(uri, component, topic);
    }

    public void setRecordDone(boolean recordDone) {
        this.recordDone = recordDone;
    }

    public boolean isRecordDone() {
        return recordDone;
    }

    @Override
    public Producer createProducer() {
        return new KafkaTxProducer(this);
    }
}
