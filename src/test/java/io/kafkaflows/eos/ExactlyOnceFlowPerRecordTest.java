package io.kafkaflows.eos;

import java.util.Properties;

/** {@link ExactlyOnceFlowTest}'s scenarios with one exchange per record ({@code flows.eos.batch=false}). */
class ExactlyOnceFlowPerRecordTest extends ExactlyOnceFlowTest {

    @Override
    protected Properties eosProperties() {
        Properties props = appProperties();
        props.setProperty("flows.eos.batch", "false");
        return props;
    }

    @Override
    protected String routeId() {
        return "exactly-once-records";
    }
}
