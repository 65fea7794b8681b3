package io.kafkaflows.deadletter;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;

/**
 * Decides whether a failure is worth retrying. Non-retryable: the record itself is bad (unparseable, invalid,
 * wrong shape), so it goes to the dead-letter topic at once. Everything else (I/O, timeouts, a sink answering 5xx)
 * is transient and redelivered with backoff first. The list is {@code flows.errors.non-retryable}: class names,
 * matched against the exception and its causes, subclasses included.
 */
public final class ErrorClassifier {

    private final List<Class<?>> nonRetryable = new ArrayList<>();

    public void setNonRetryable(String classNames) {
        nonRetryable.clear();
        for (String name : classNames.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                nonRetryable.add(Class.forName(trimmed, false, getClass().getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("flows.errors.non-retryable names an unknown class: " + trimmed, e);
            }
        }
    }

    /** For onException's onWhen: is the exception that just failed the exchange non-retryable? */
    public boolean isNonRetryable(Exchange exchange) {
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return isNonRetryable(failure);
    }

    public boolean isNonRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Class<?> type : nonRetryable) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
