package io.kafkaflows.json;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The app's one Jackson {@link ObjectMapper} (thread-safe once configured; Jackson caches per mapper). Jackson's
 * defaults hold: unknown properties fail ({@code FAIL_ON_UNKNOWN_PROPERTIES}), which request parsing relies on.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
