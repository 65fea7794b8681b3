package io.kafkaflows.admin;

import io.kafkaflows.json.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** Writes the {@link ApiResponse} in the body as the HTTP answer: its status and its body as JSON. */
public final class ApiResponseProcessor implements Processor {

    private static final ObjectMapper JSON = Json.MAPPER;

    @Override
    public void process(Exchange exchange) throws Exception {
        ApiResponse response = exchange.getMessage().getMandatoryBody(ApiResponse.class);
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        if (response.body() == null) {
            out.setBody(null);
        } else {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            out.setBody(JSON.writeValueAsBytes(response.body()));
        }
    }
}
