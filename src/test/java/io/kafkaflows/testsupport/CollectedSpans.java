package io.kafkaflows.testsupport;

import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Span exporter {@code collect} ({@code otel.traces.exporter=collect}): keeps every span an in-process app exports,
 * for what a Zipkin backend does not show (span links). Registered through the SDK's exporter SPI, so the app's
 * own tracing set-up (TracingMainListener) picks it like any other exporter.
 */
public final class CollectedSpans implements ConfigurableSpanExporterProvider {

    private static final Queue<SpanData> SPANS = new ConcurrentLinkedQueue<>();
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

    /** The spans exported so far by the app whose service name is {@code service}. */
    public static List<SpanData> of(String service) {
        return SPANS.stream().filter(s -> service.equals(s.getResource().getAttribute(SERVICE))).toList();
    }

    @Override
    public String getName() {
        return "collect";
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                SPANS.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
