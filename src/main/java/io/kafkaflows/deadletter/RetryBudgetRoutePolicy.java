package io.kafkaflows.deadletter;

import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Refuses to start a Kafka route whose worst case between two polls could pass {@code max.poll.interval.ms}: every
 * record of a poll failing transiently and waiting out all redelivery delays. Such a route would be thrown out of
 * its group while retrying (a rebalance storm). The check: max.poll.records x the sum of the redelivery delays must
 * stay under half of max.poll.interval.ms; lower {@code flows.<flow>.max-poll-records} or the
 * {@code flows.errors.*} delays otherwise.
 */
public final class RetryBudgetRoutePolicy extends RoutePolicySupport {

    private int maxRedeliveries = 3;
    private long initialDelay = 200;
    private double multiplier = 2;
    private long maxDelay = 2000;
    private boolean perPoll;

    /**
     * The route handles a poll as one exchange whose processor bounds its records' retries itself
     * (ConsumerPollProcessor): only the exchange's own redeliveries (the sink's) count, once per poll.
     */
    public void setPerPoll(boolean perPoll) {
        this.perPoll = perPoll;
    }

    public void setMaxRedeliveries(int maxRedeliveries) {
        this.maxRedeliveries = maxRedeliveries;
    }

    public void setInitialDelay(long initialDelay) {
        this.initialDelay = initialDelay;
    }

    public void setMultiplier(double multiplier) {
        this.multiplier = multiplier;
    }

    public void setMaxDelay(long maxDelay) {
        this.maxDelay = maxDelay;
    }

    public int getMaxRedeliveries() {
        return maxRedeliveries;
    }

    /** The pause before redelivery {@code n} (1-based): initialDelay x multiplier^(n-1), at most maxDelay. */
    public long delayBefore(int n) {
        return (long) Math.min(maxDelay, initialDelay * Math.pow(multiplier, n - 1));
    }

    /** Milliseconds one record can spend waiting between its attempts. */
    public long retryBudgetMs() {
        long total = 0;
        double delay = initialDelay;
        for (int i = 0; i < maxRedeliveries; i++) {
            total += (long) Math.min(delay, maxDelay);
            delay *= multiplier;
        }
        return total;
    }

    @Override
    public void onInit(Route route) {
        if (!(route.getEndpoint() instanceof KafkaEndpoint kafka)) {
            return;
        }
        Integer records = kafka.getConfiguration().getMaxPollRecords();
        Integer interval = kafka.getConfiguration().getMaxPollIntervalMs();
        long pollRecords = perPoll ? 1 : records == null ? 500 : records;
        long pollInterval = interval == null ? 300_000 : interval;
        long worstCase = pollRecords * retryBudgetMs();
        if (worstCase >= pollInterval / 2) {
            throw new IllegalStateException("Route " + route.getRouteId() + ": " + pollRecords + " records per poll x "
                    + retryBudgetMs() + " ms of redelivery delays = " + worstCase + " ms, not under half of"
                    + " max.poll.interval.ms (" + pollInterval + "). Lower max-poll-records for this flow or the"
                    + " flows.errors.* delays, or raise max.poll.interval.ms.");
        }
    }
}
