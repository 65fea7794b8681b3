package io.kafkaflows.guarantees;

/** Whether a flow x fault cell runs: yes, "n/a" (the fault cannot happen to this flow), or "not yet measured". */
public record Applicability(Status status, String reason) {

    public enum Status { APPLIES, NOT_APPLICABLE, NOT_YET_MEASURED }

    public static final Applicability APPLIES = new Applicability(Status.APPLIES, "");

    public static Applicability notApplicable(String reason) {
        return new Applicability(Status.NOT_APPLICABLE, reason);
    }

    public static Applicability notYet(String reason) {
        return new Applicability(Status.NOT_YET_MEASURED, reason);
    }
}
