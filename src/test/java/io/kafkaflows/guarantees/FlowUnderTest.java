package io.kafkaflows.guarantees;

/** One row of the matrix: a flow of the app, the promise it is judged by, and how to set up one cell of it. */
public interface FlowUnderTest {

    /** The row's name in the table and in results.json (e.g. "exactly-once"). */
    String name();

    FlowPromise promise();

    /** The flow's records per poll in the cells (the at-least-once duplicate allowance per fault). */
    int recordsPerPoll();

    Applicability applies(Fault fault);

    /** Creates the cell's own topics and group, writes its input and returns what the runner needs. */
    PreparedCell prepare(CellContext context);
}
