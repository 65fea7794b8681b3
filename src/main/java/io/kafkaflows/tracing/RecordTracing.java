package io.kafkaflows.tracing;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.camel.CamelContext;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Spans for records the app writes with its own producers rather than through a Camel endpoint (dead letters,
 * replays), and links from one result to the records it aggregates (window results). A PRODUCER span, child of the current one (the route's), whose context replaces the trace headers the
 * record carries. With tracing off (no tracer bound by {@link TracingMainListener}) it costs a registry lookup and
 * returns the no-op span.
 */
public final class RecordTracing {

    static final String TRACER_BEAN = "openTelemetryTracer";
    static final String PROPAGATORS_BEAN = "openTelemetryPropagators";
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    private RecordTracing() {
    }

    /**
     * Starts {@code "<operation> <topic>"}. With {@code continueRecord} the span continues the trace the headers
     * carry (a replayed dead letter stays in its record's trace, so one trace shows the failure, the dead letter and
     * the replay) and links to the current span (the replay's request); without it, or when the headers carry no
     * trace, it is a child of the current span.
     */
    public static Span startSend(CamelContext context, String operation, String topic, List<Header> headers,
                                 boolean continueRecord) {
        Tracer tracer = context.getRegistry().lookupByNameAndType(TRACER_BEAN, Tracer.class);
        ContextPropagators propagators = context.getRegistry().lookupByNameAndType(PROPAGATORS_BEAN, ContextPropagators.class);
        if (tracer == null || propagators == null) {
            return Span.getInvalid();
        }
        SpanBuilder builder = tracer.spanBuilder(operation + " " + topic).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(DESTINATION, topic).setParent(Context.current());
        if (continueRecord) {
            Context origin = propagators.getTextMapPropagator().extract(Context.root(), headers, HEADERS);
            if (Span.fromContext(origin).getSpanContext().isValid()) {
                builder.setParent(origin);
                SpanContext current = Span.current().getSpanContext();
                if (current.isValid()) {
                    builder.addLink(current);
                }
            }
        }
        Span span = builder.startSpan();
        headers.removeIf(h -> KafkaRecordSpanDecorator.TRACE_HEADERS.contains(h.key().toLowerCase()));
        propagators.getTextMapPropagator().inject(Context.root().with(span), headers,
                (carrier, name, value) -> carrier.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        return span;
    }

    /**
     * Starts {@code "process <topic>"}, a CONSUMER span continuing the trace the consumed record's headers carry (else
     * a child of the current span): the span of one record of a poll handled as one exchange, under which its
     * output is sent. Make it current while the record is handled; end it after.
     */
    public static Span startProcess(CamelContext context, String topic, List<Header> headers) {
        Tracer tracer = context.getRegistry().lookupByNameAndType(TRACER_BEAN, Tracer.class);
        ContextPropagators propagators = context.getRegistry().lookupByNameAndType(PROPAGATORS_BEAN, ContextPropagators.class);
        if (tracer == null || propagators == null) {
            return Span.getInvalid();
        }
        Context origin = propagators.getTextMapPropagator().extract(Context.current(), headers, HEADERS);
        return tracer.spanBuilder("process " + topic).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(DESTINATION, topic).setParent(origin).startSpan();
    }

    /** Whether the app traces (a tracer bound): callers with per-record work check once, not per record. */
    public static boolean enabled(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(TRACER_BEAN, Tracer.class) != null;
    }

    /**
     * The current span's context as a W3C traceparent, or null when there is none (tracing off): what a record
     * remembers to be linked from a later span (a window result) that aggregates it.
     */
    public static String currentTraceparent() {
        SpanContext current = Span.current().getSpanContext();
        return current.isValid()
                ? "00-" + current.getTraceId() + "-" + current.getSpanId() + "-" + current.getTraceFlags().asHex() : null;
    }

    /**
     * Records {@code name}, a child of the span {@code parent} names (a traceparent; the current span when null or
     * invalid), linked to the spans the traceparents name (as remembered by {@link #currentTraceparent()}): one
     * result, many records' traces. Does nothing without a tracer.
     */
    public static void linked(CamelContext context, String name, String parent, List<String> traceparents,
                              Attributes attributes) {
        Tracer tracer = context.getRegistry().lookupByNameAndType(TRACER_BEAN, Tracer.class);
        if (tracer == null) {
            return;
        }
        SpanContext parentContext = spanContextOf(parent);
        SpanBuilder builder = tracer.spanBuilder(name).setAllAttributes(attributes).setParent(parentContext.isValid()
                ? Context.root().with(Span.wrap(parentContext)) : Context.current());
        for (String traceparent : traceparents) {
            SpanContext linked = spanContextOf(traceparent);
            if (linked.isValid()) {
                builder.addLink(linked);
            }
        }
        builder.startSpan().end();
    }

    private static SpanContext spanContextOf(String traceparent) {
        String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
        return parts.length == 4 && parts[3].length() == 2
                ? SpanContext.createFromRemoteParent(parts[1], parts[2], TraceFlags.fromHex(parts[3], 0), TraceState.getDefault())
                : SpanContext.getInvalid();
    }

    /** Ends the span, marking it failed when {@code failure} is not null. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
    }

    private static final TextMapGetter<List<Header>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(List<Header> carrier) {
            return carrier.stream().map(Header::key).toList();
        }

        @Override
        public String get(List<Header> carrier, String key) {
            for (int i = carrier.size() - 1; i >= 0; i--) {
                if (carrier.get(i).key().equalsIgnoreCase(key) && carrier.get(i).value() != null) {
                    return new String(carrier.get(i).value(), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    };
}
