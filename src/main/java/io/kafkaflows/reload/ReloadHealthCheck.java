package io.kafkaflows.reload;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The last route reload on /observe/health (check kafka-flows/routes-reload): its time, changed files and result.
 * Always UP: a failed reload leaves the previous routes running, the app is as healthy as before the edit.
 */
final class ReloadHealthCheck extends AbstractHealthCheck {

    private volatile LastReload last;

    ReloadHealthCheck() {
        super("kafka-flows", "routes-reload");
    }

    void record(LastReload reload) {
        last = reload;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        LastReload current = last;
        if (current == null) {
            builder.message("watching for changes; no reload yet");
        } else {
            builder.message(current.summary());
            builder.detail("reload.time", current.at().toString());
            builder.detail("reload.files", String.join(",", current.files()));
            builder.detail("reload.result", current.ok() ? "ok" : "failed");
            if (!current.ok()) {
                builder.detail("reload.error", current.error());
            }
        }
        builder.up();
    }
}
