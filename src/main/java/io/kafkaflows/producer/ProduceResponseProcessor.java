package io.kafkaflows.producer;

import io.kafkaflows.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The HTTP answer of the producer flow: 200 with {@code {"topic","partition","offset","timestamp"}} per record
 * the broker acknowledged (an object for a single record, an array for an array), or 202 with the number of
 * records accepted when the request asked for {@code async=true}.
 */
public final class ProduceResponseProcessor implements Processor {

    private static final ObjectMapper JSON = Json.MAPPER;

    @Override
    public void process(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        List<Message> records = exchange.getIn().getBody(List.class);
        String topic = exchange.getProperty(ProduceRequestProcessor.TOPIC, String.class);
        Object answer;
        int status;
        if ("async".equals(exchange.getProperty(ProduceRequestProcessor.MODE, String.class))) {
            status = 202;
            Map<String, Object> accepted = new LinkedHashMap<>();
            accepted.put("topic", topic);
            accepted.put("accepted", records.size());
            answer = accepted;
        } else {
            status = 200;
            List<Map<String, Object>> written = new ArrayList<>(records.size());
            for (Message record : records) {
                written.add(describe(record));
            }
            answer = Boolean.TRUE.equals(exchange.getProperty(ProduceRequestProcessor.SINGLE)) ? written.get(0) : written;
        }
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(JSON.writeValueAsBytes(answer));
    }

    private static Map<String, Object> describe(Message record) {
        @SuppressWarnings("unchecked")
        List<RecordMetadata> metadata = record.getHeader(KafkaConstants.KAFKA_RECORD_META, List.class);
        if (metadata == null || metadata.isEmpty()) {
            throw new IllegalStateException("the Kafka producer returned no record metadata");
        }
        RecordMetadata m = metadata.get(0);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("topic", m.topic());
        answer.put("partition", m.partition());
        answer.put("offset", m.offset());
        answer.put("timestamp", m.timestamp());
        return answer;
    }
}
