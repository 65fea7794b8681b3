package io.kafkaflows.guarantees;

/**
 * What an independent reader counted after a cell: records in, outputs (distinct plus duplicates), dead letters,
 * duplicates (extra deliveries), missing (inputs found neither in the output nor dead-lettered) and {@code wrong}:
 * outputs that break the promise in another way (out of order per key, both processed and dead-lettered, a window
 * whose values differ from the oracle's or that the oracle did not emit); {@code note} names what {@code wrong} is.
 */
public record Counts(long in, long out, long deadLettered, long duplicates, long missing, long wrong, String note) {
}
