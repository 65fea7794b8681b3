package io.kafkaflows.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.tx.TransactionalProducerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes all records of one request in one Kafka transaction: all become visible to read_committed readers, or
 * none do (the guide's {@code send_in_transaction}). One transactional producer per app instance
 * ({@code flows.producer.transactional-id}); a producer runs one transaction at a time, so requests take turns.
 * On any failure the transaction is aborted; if even that fails, the producer is dropped and a new one (which
 * fences the old) is made for the next request. Sets {@link KafkaConstants#KAFKA_RECORD_META} on each record.
 */
public final class TransactionalSendProcessor extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalSendProcessor.class);

    private CamelContext camelContext;
    private String transactionalId = "kafka-flows-producer";
    private Producer<byte[], byte[]> producer;

    public void setTransactionalId(String transactionalId) {
        this.transactionalId = transactionalId;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String topic = exchange.getProperty(ProduceRequestProcessor.TOPIC, String.class);
        @SuppressWarnings("unchecked")
        List<Message> records = exchange.getIn().getBody(List.class);
        List<RecordMetadata> written = sendInTransaction(topic, records);
        for (int i = 0; i < records.size(); i++) {
            records.get(i).setHeader(KafkaConstants.KAFKA_RECORD_META, List.of(written.get(i)));
        }
    }

    private synchronized List<RecordMetadata> sendInTransaction(String topic, List<Message> records) throws Exception {
        Producer<byte[], byte[]> p = producer();
        try {
            p.beginTransaction();
            List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (Message record : records) {
                futures.add(p.send(toProducerRecord(topic, record)));
            }
            p.flush();
            List<RecordMetadata> written = new ArrayList<>(futures.size());
            for (Future<RecordMetadata> future : futures) {
                written.add(future.get());
            }
            p.commitTransaction();
            return written;
        } catch (ExecutionException e) {
            abort(p, e.getCause());
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (Exception e) {
            abort(p, e);
            throw e;
        }
    }

    private void abort(Producer<byte[], byte[]> p, Throwable failure) {
        if (TransactionalProducerFactory.isFatal(failure)) {
            LOG.warn("Transactional producer {} cannot go on ({}); starting a new one for the next request",
                    transactionalId, failure.toString());
            closeProducer();
            return;
        }
        try {
            p.abortTransaction();
        } catch (Exception e) {
            LOG.warn("Could not abort transaction of {} ({}); starting a new producer for the next request",
                    transactionalId, e.toString());
            closeProducer();
        }
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Producer<byte[], byte[]> created = KafkaRecords.bytesProducer(camelContext,
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
            try {
                created.initTransactions();
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    static ProducerRecord<byte[], byte[]> toProducerRecord(String topic, Message record) {
        List<Header> headers = KafkaRecords.headersOf(record, name -> false);
        return new ProducerRecord<>(topic, record.getHeader(KafkaConstants.PARTITION_KEY, Integer.class), null,
                record.getHeader(KafkaConstants.KEY, byte[].class), record.getBody(byte[].class), headers);
    }

    private synchronized void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (Exception e) {
                LOG.debug("Ignoring error closing producer {}", transactionalId, e);
            }
            producer = null;
        }
    }

    @Override
    protected void doStop() {
        closeProducer();
    }
}
