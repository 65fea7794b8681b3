package io.kafkaflows.window;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Applies a {@link WindowOp} to a window group: a contribution is merged into the group's {@link WindowAggregate}
 * (the body); close and merged mark the group complete (header {@value #COMPLETION}: {@code closed} is emitted,
 * {@code merged} is dropped because its session lives on in another group). Returns the group's exchange, as a
 * recoverable repository expects.
 */
public class WindowAggregationStrategy implements AggregationStrategy {

    public static final String COMPLETION = "kafkaflowsWindowCompletion";

    @Override
    public Exchange aggregate(Exchange group, Exchange step) {
        WindowOp op = step.getMessage().getBody(WindowOp.class);
        if (op.kind() == WindowOp.Kind.CONTRIBUTE) {
            if (group == null) {
                step.getMessage().getHeaders().clear();
                step.getMessage().setBody(new WindowAggregate(op.contribution().getKey(),
                        op.contribution().getStart(), op.contribution().getEnd()).merge(op.contribution()));
                return step;
            }
            group.getMessage().getBody(WindowAggregate.class).merge(op.contribution());
            return group;
        }
        if (group == null) {
            throw new IllegalStateException("window group " + op.group() + " to " + op.kind() + " is not in the repository");
        }
        group.getMessage().setHeader(COMPLETION, op.kind() == WindowOp.Kind.CLOSE ? "closed" : "merged");
        return group;
    }
}
