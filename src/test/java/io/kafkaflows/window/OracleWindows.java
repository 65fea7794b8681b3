package io.kafkaflows.window;

import java.time.Duration;
import java.util.Objects;

/**
 * The window definition given to the Kafka Streams oracle and the input generator. {@code type} is "tumbling",
 * "hopping" or "session"; durations that do not apply to the type are {@link Duration#ZERO} (a tumbling window's
 * {@code advance} equals its {@code size}), so sums like {@code size + grace + gap} work for every type.
 */
public record OracleWindows(String type, Duration size, Duration advance, Duration gap, Duration grace) {

    public OracleWindows {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(advance, "advance");
        Objects.requireNonNull(gap, "gap");
        Objects.requireNonNull(grace, "grace");
        if (!type.equals("tumbling") && !type.equals("hopping") && !type.equals("session")) {
            throw new IllegalArgumentException("unknown window type " + type);
        }
    }

    public static OracleWindows tumbling(Duration size, Duration grace) {
        return new OracleWindows("tumbling", size, size, Duration.ZERO, grace);
    }

    public static OracleWindows hopping(Duration size, Duration advance, Duration grace) {
        return new OracleWindows("hopping", size, advance, Duration.ZERO, grace);
    }

    public static OracleWindows session(Duration gap, Duration grace) {
        return new OracleWindows("session", Duration.ZERO, Duration.ZERO, gap, grace);
    }

    public boolean isSession() {
        return type.equals("session");
    }
}
