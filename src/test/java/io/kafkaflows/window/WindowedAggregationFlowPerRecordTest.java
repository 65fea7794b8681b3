package io.kafkaflows.window;

import java.util.Properties;

/** {@link WindowedAggregationFlowTest}'s scenarios with one exchange per record ({@code flows.window.batch=false}). */
class WindowedAggregationFlowPerRecordTest extends WindowedAggregationFlowTest {

    @Override
    protected Properties windowProperties() {
        Properties props = appProperties();
        props.setProperty("flows.window.batch", "false");
        return props;
    }
}
