package io.kafkaflows.window;

import io.kafkaflows.tracing.RecordTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After a window result is sent (tracing on): a {@code window result} span, child of the send's span (the context
 * the result record carries), linked to the traces of the records the window aggregated (the first
 * {@value WindowAggregate#MAX_TRACES}). Without remembered traces (tracing off) it does nothing.
 */
public class WindowResultLinksProcessor implements Processor {

    /** Exchange property: the {@link WindowAggregate} whose result was sent, when it remembers traces. */
    public static final String WINDOW = "kafkaflowsWindowTraced";
    private static final AttributeKey<String> WINDOW_KEY = AttributeKey.stringKey("kafkaflows.window.key");
    private static final AttributeKey<Long> WINDOW_START = AttributeKey.longKey("kafkaflows.window.start");
    private static final AttributeKey<Long> WINDOW_END = AttributeKey.longKey("kafkaflows.window.end");
    private static final AttributeKey<Long> WINDOW_COUNT = AttributeKey.longKey("kafkaflows.window.count");

    @Override
    public void process(Exchange exchange) {
        WindowAggregate window = exchange.getProperty(WINDOW, WindowAggregate.class);
        if (window == null) {
            return;
        }
        exchange.removeProperty(WINDOW);
        link(exchange.getContext(), window, exchange.getMessage().getHeader("traceparent", String.class));
    }

    /** The window's result span below {@code sent} (the traceparent its result record carries), linked to its records. */
    public static void link(CamelContext context, WindowAggregate window, String sent) {
        RecordTracing.linked(context, "window result", sent, window.getTraces(), Attributes.of(
                WINDOW_KEY, window.keyText(), WINDOW_START, window.getStart(), WINDOW_END, window.getEnd(),
                WINDOW_COUNT, window.getCount()));
    }
}
