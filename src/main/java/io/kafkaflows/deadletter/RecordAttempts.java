package io.kafkaflows.deadletter;

import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-place retries of the records of one poll handled as one exchange (the poll modes): a record's work is tried
 * again after the {@code flows.errors.*} delays until it succeeds, fails non-retryably, runs out of redeliveries, or
 * the next delay would overrun what the poll may still spend (half of max.poll.interval.ms less the sink's retries,
 * shared by all of the poll's records); then the caller dead-letters it. One instance per poll.
 */
public final class RecordAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(RecordAttempts.class);

    /** One record's work. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /** The last failure of a record given up on, and how many times it was tried. */
    public record Failed(Exception failure, int attempts) {
    }

    private final ErrorClassifier classifier;
    private final RetryBudgetRoutePolicy retries;
    private long budgetMs;

    /** The shared per-poll retry budget (routes/error-handling.camel.yaml), for every poll mode. */
    public static final String POLICY_BEAN = "pollRetryBudgetPolicy";

    /** A poll's attempts with the shared beans of routes/error-handling.camel.yaml (classifier, per-poll budget). */
    public static RecordAttempts forPoll(CamelContext context, long maxPollIntervalMs) {
        return new RecordAttempts(CamelContextHelper.mandatoryLookup(context, "errorClassifier", ErrorClassifier.class),
                CamelContextHelper.mandatoryLookup(context, POLICY_BEAN, RetryBudgetRoutePolicy.class), maxPollIntervalMs);
    }

    public RecordAttempts(ErrorClassifier classifier, RetryBudgetRoutePolicy retries, long maxPollIntervalMs) {
        this.classifier = classifier;
        this.retries = retries;
        this.budgetMs = Math.max(0, maxPollIntervalMs / 2 - retries.retryBudgetMs());
    }

    /**
     * Runs {@code work} until it succeeds (null) or is given up on (the failure to dead-letter). A failure that is not
     * the record's fault ({@code notTheRecords}: Kafka itself failing) is thrown at once, never retried here.
     */
    public Failed attempt(Work work, Predicate<Exception> notTheRecords) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return null;
            } catch (Exception e) {
                if (notTheRecords.test(e)) {
                    throw e;
                }
                long delay = retries.delayBefore(attempt);
                if (classifier.isNonRetryable(e) || attempt > retries.getMaxRedeliveries() || delay > budgetMs) {
                    return new Failed(e, attempt);
                }
                LOG.debug("A record of the poll failed (attempt {}), retrying in {} ms: {}", attempt, delay, e.toString());
                budgetMs -= delay;
                Thread.sleep(delay);
            }
        }
    }
}
