package io.kafkaflows.transform;

import java.util.Properties;

/** {@link StreamTransformTest}'s scenarios with one exchange per record ({@code flows.transform.batch=false}). */
class StreamTransformPerRecordTest extends StreamTransformTest {

    @Override
    protected Properties transformProperties() {
        Properties props = appProperties();
        props.setProperty("flows.transform.batch", "false");
        return props;
    }
}
