package io.kafkaflows.http.security;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who made a request: the name (basic-auth user, JWT subject, client certificate CN, or {@code anonymous}), how
 * it was authenticated, its roles, and the topics it may write records to ({@code null}: none).
 */
public record ApiPrincipal(String name, String via, Set<ApiRole> roles, Pattern topics) {

    public static final String ANONYMOUS = "anonymous";

    public boolean mayWrite(String topic) {
        return topics != null && topics.matcher(topic).matches();
    }
}
