package io.kafkaflows.window;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The state of one window of one key (also the unit of contribution: one record's value, or a merged session's
 * partial aggregate): bounds, count, sum, min, max. Stored as JSON in the changelog; the record key is kept
 * base64-encoded so any key bytes survive. With tracing on, also the W3C traceparents of the first
 * {@value #MAX_TRACES} records aggregated (the window result's span links to them); absent from the JSON otherwise.
 */
public class WindowAggregate {

    public static final int MAX_TRACES = 16;

    private String key;
    private long start;
    private long end;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<String> traces;

    public WindowAggregate() {
    }

    public WindowAggregate(String key, long start, long end) {
        this.key = key;
        this.start = start;
        this.end = end;
    }

    public static WindowAggregate ofValue(String key, long start, long end, double value) {
        WindowAggregate one = new WindowAggregate(key, start, end);
        one.count = 1;
        one.sum = value;
        one.min = value;
        one.max = value;
        return one;
    }

    /** Adds another partial aggregate and widens the bounds to cover it. */
    public WindowAggregate merge(WindowAggregate other) {
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        start = Math.min(start, other.start);
        end = Math.max(end, other.end);
        if (other.traces != null) {
            other.traces.forEach(this::addTrace);
        }
        return this;
    }

    /** Remembers a contributing record's traceparent (up to {@value #MAX_TRACES}, each once). */
    public void addTrace(String traceparent) {
        if (traces == null) {
            traces = new ArrayList<>(2);
        }
        if (traces.size() < MAX_TRACES && !traces.contains(traceparent)) {
            traces.add(traceparent);
        }
    }

    @JsonIgnore
    public byte[] keyBytes() {
        return Base64.getDecoder().decode(key);
    }

    @JsonIgnore
    public String keyText() {
        return new String(keyBytes(), StandardCharsets.UTF_8);
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public long getStart() {
        return start;
    }

    public void setStart(long start) {
        this.start = start;
    }

    public long getEnd() {
        return end;
    }

    public void setEnd(long end) {
        this.end = end;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    public double getSum() {
        return sum;
    }

    public void setSum(double sum) {
        this.sum = sum;
    }

    public double getMin() {
        return min;
    }

    public void setMin(double min) {
        this.min = min;
    }

    public double getMax() {
        return max;
    }

    public void setMax(double max) {
        this.max = max;
    }

    public List<String> getTraces() {
        return traces;
    }

    public void setTraces(List<String> traces) {
        this.traces = traces;
    }
}
