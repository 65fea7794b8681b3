package io.kafkaflows.http.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per second per principal and operation ({@code flows.http.rate-limit.<operation>}), as token buckets
 * holding one second's worth: a principal may burst up to the rate, then waits. Operations without a limit pass.
 */
final class ApiRateLimiter {

    private final Map<String, Double> perSecond;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    ApiRateLimiter(Map<String, Double> perSecond) {
        this.perSecond = perSecond;
    }

    /** 0 when the call may go ahead now, else the seconds to wait before the next one would be taken (at least 1). */
    long acquire(String operation, String principal, long nowNanos) {
        Double rate = perSecond.get(operation);
        if (rate == null) {
            return 0;
        }
        return buckets.computeIfAbsent(operation + '\u0000' + principal, k -> new Bucket(rate, nowNanos)).take(nowNanos);
    }

    private static final class Bucket {
        private final double rate;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(double rate, long now) {
            this.rate = rate;
            this.capacity = Math.max(1, rate);
            this.tokens = capacity;
            this.last = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
        }
    }
}
