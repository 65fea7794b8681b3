package io.kafkaflows.tracing;

import io.kafkaflows.queue.KafkaQueueComponent;

/** Spans of the queue flow's {@code kafka-queue:} consumer, continuing the trace each job's record carries. */
public class KafkaQueueSpanDecorator extends KafkaRecordSpanDecorator {

    @Override
    public String getComponent() {
        return "kafka-queue";
    }

    @Override
    public String getComponentClassName() {
        return KafkaQueueComponent.class.getName();
    }
}
