package io.kafkaflows.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.config.DeclaredProperties;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracing (docs/tracing.md): with {@code camel.opentelemetry2.enabled=true}, builds the OpenTelemetry SDK from the
 * standard {@code OTEL_*} environment variables and {@code otel.*} system properties, falling back to {@code otel.*}
 * keys of the app's properties, and binds its tracer and propagators for Camel's tracer (no global instance, so a
 * missing setting cannot silently turn tracing into a no-op). Spans are flushed when Camel stops.
 */
public final class TracingMainListener extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(TracingMainListener.class);

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent pc = context.getPropertiesComponent();
        if (!Boolean.parseBoolean(pc.resolveProperty("camel.opentelemetry2.enabled").orElse("false"))) {
            return;
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", pc.resolveProperty("camel.main.name").orElse("kafka-flows"));
        // only traces are exported; metrics come from Micrometer (/observe/metrics)
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        // OTLP over HTTP (to http://localhost:4318 unless set): the SDK's own default, gRPC, needs a gRPC stack
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        DeclaredProperties.resolved(pc, "otel.").forEach((k, v) -> defaults.put((String) k, (String) v));
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        context.getRegistry().bind("openTelemetryTracer", sdk.getTracer("camel"));
        context.getRegistry().bind("openTelemetryPropagators", sdk.getPropagators());
        try {
            context.addService(new SdkShutdown(sdk), true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Could not register the OpenTelemetry SDK's shutdown", e);
        }
        LOG.info("Tracing on: service {}, traces to {}", defaults.get("otel.service.name"),
                System.getenv().getOrDefault("OTEL_TRACES_EXPORTER",
                        System.getProperty("otel.traces.exporter", defaults.getOrDefault("otel.traces.exporter", "otlp"))));
    }

    /** Flushes and closes the SDK once the routes have stopped. */
    private static final class SdkShutdown extends ServiceSupport {
        private final OpenTelemetrySdk sdk;

        SdkShutdown(OpenTelemetrySdk sdk) {
            this.sdk = sdk;
        }

        @Override
        protected void doStop() {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
