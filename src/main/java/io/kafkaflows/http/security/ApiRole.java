package io.kafkaflows.http.security;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The roles of the HTTP API. {@code viewer} reads (topics, groups, lag, ACLs, dead-letter counts, the dashboard);
 * {@code operator} also replays dead letters, resets offsets and changes topic configs; {@code admin} also creates
 * and deletes topics and groups and changes ACLs. {@code producer} writes records, to its principal's topics only,
 * and implies no other role.
 */
public enum ApiRole {
    VIEWER, OPERATOR, ADMIN, PRODUCER;

    /** Whether holding this role grants {@code required}: admin > operator > viewer; producer only itself. */
    public boolean grants(ApiRole required) {
        if (this == required) {
            return true;
        }
        return this != PRODUCER && required != PRODUCER && ordinal() > required.ordinal();
    }

    public static boolean granted(Set<ApiRole> held, ApiRole required) {
        for (ApiRole role : held) {
            if (role.grants(required)) {
                return true;
            }
        }
        return false;
    }

    /** The role of a name such as {@code admin}; empty for a name that is not one of ours (IdP tokens carry many). */
    public static Optional<ApiRole> of(String name) {
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
