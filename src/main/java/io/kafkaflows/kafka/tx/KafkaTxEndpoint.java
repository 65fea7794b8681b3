package io.kafkaflows.kafka.tx;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A topic written inside the current consumer's transaction; producer only. */
public class KafkaTxEndpoint extends DefaultEndpoint {

    private final String topic;
    private boolean recordDone = true;

    KafkaTxEndpoint(String uri, KafkaTxComponent component, String topic) {
        super(uri, component);
        this.topic = topic;
    }

    public String getTopic() {
        return topic;
    }

    /** false: only write; the route marks the input record done itself (several or no outputs per record). */
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

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("kafka-tx is a sink; consume with kafka:");
    }
}
