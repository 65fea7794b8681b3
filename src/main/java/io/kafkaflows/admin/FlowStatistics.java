package io.kafkaflows.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kafkaflows.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.MicrometerConstants;

/**
 * {@code GET /api/flows}: per route, the exchanges completed, failed and failed-but-handled (dead-lettered) so far,
 * read from the meters {@code /observe/metrics} exports (camel-micrometer's route policy), with the time read; the
 * dashboard charts their rates.
 */
public final class FlowStatistics {

    private static final Map<String, String> COUNTERS = Map.of(
            "total", MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_TOTAL_METER_NAME,
            "failed", MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILED_METER_NAME,
            "failuresHandled", MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILURES_HANDLED_METER_NAME);

    public ApiResponse routes(Exchange exchange) {
        Map<String, Map<String, Object>> routes = new TreeMap<>();
        for (Route route : exchange.getContext().getRoutes()) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("routeId", route.getRouteId());
            stats.put("group", route.getGroup());
            COUNTERS.keySet().forEach(k -> stats.put(k, 0L));
            routes.put(route.getRouteId(), stats);
        }
        MeterRegistry registry = Meters.registry(exchange.getContext());
        COUNTERS.forEach((field, meter) -> {
            for (Counter counter : registry.find(meter).counters()) {
                Map<String, Object> stats = routes.get(counter.getId().getTag(MicrometerConstants.ROUTE_ID_TAG));
                if (stats != null) {
                    stats.put(field, (long) counter.count());
                }
            }
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("time", System.currentTimeMillis());
        answer.put("routes", List.copyOf(routes.values()));
        return ApiResponse.ok(answer);
    }
}
