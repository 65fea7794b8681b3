package io.kafkaflows.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;

import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CLUSTER_ACTION;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.TWO_PHASE_COMMIT;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

/**
 * The rules of one ACL entry, shared by the {@code flows.acls.*} declarations and the REST API: fields
 * {@code principal}, {@code host}, {@code resource-type}, {@code resource-name}, {@code pattern-type},
 * {@code operations}, {@code permission} in, Kafka {@link AclBinding}s out (one per operation). A bad or missing
 * value is an {@link IllegalArgumentException} naming the key and the allowed values.
 */
public final class AclBindingParser {

    public static final List<String> FIELDS =
            List.of("principal", "host", "resource-type", "resource-name", "pattern-type", "operations", "permission");
    public static final Set<ResourceType> RESOURCE_TYPES =
            EnumSet.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID, ResourceType.CLUSTER);
    public static final Set<PatternType> PATTERN_TYPES = EnumSet.of(PatternType.LITERAL, PatternType.PREFIXED);
    public static final Set<AclPermissionType> PERMISSIONS = EnumSet.of(AclPermissionType.ALLOW, AclPermissionType.DENY);

    /** Operations the broker's authorizer knows per resource type (its AclEntry.supportedOperations), plus ALL. */
    private static final Map<ResourceType, Set<AclOperation>> OPERATIONS = Map.of(
            ResourceType.TOPIC, EnumSet.of(AclOperation.ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE,
                    DESCRIBE_CONFIGS, ALTER_CONFIGS),
            ResourceType.GROUP, EnumSet.of(AclOperation.ALL, READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS),
            ResourceType.TRANSACTIONAL_ID, EnumSet.of(AclOperation.ALL, WRITE, DESCRIBE, TWO_PHASE_COMMIT),
            ResourceType.CLUSTER, EnumSet.of(AclOperation.ALL, CREATE, ALTER, DESCRIBE, CLUSTER_ACTION,
                    DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE));

    private static final Set<AclOperation> ALL_OPERATIONS = EnumSet.noneOf(AclOperation.class);

    static {
        OPERATIONS.values().forEach(ALL_OPERATIONS::addAll);
    }

    private AclBindingParser() {
    }

    /**
     * The bindings of one entry. {@code fields} holds the values by field name (missing = default or error);
     * {@code key} turns a field name into the key an error message names (a property key, a JSON field).
     */
    public static List<AclBinding> bindings(Map<String, String> fields, UnaryOperator<String> key) {
        for (String field : fields.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field " + key.apply(field) + "; allowed: "
                        + FIELDS.stream().map(key).toList());
            }
        }
        String principal = principal(fields.get("principal"), key.apply("principal"));
        String host = value(fields.get("host"));
        if (host == null) {
            host = "*";
        }
        ResourceType type = required(fields.get("resource-type"), key.apply("resource-type"), RESOURCE_TYPES);
        PatternType pattern = optional(fields.get("pattern-type"), key.apply("pattern-type"), PATTERN_TYPES, PatternType.LITERAL);
        String name = resourceName(type, pattern, fields.get("resource-name"), key);
        AclPermissionType permission = optional(fields.get("permission"), key.apply("permission"), PERMISSIONS,
                AclPermissionType.ALLOW);
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation operation : operations(type, fields.get("operations"), key.apply("operations"))) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, host, operation, permission)));
        }
        return bindings;
    }

    /** {@code Type:name}, e.g. {@code User:orders-app}; both parts non-blank. */
    public static String principal(String value, String key) {
        String principal = value(value);
        if (principal == null) {
            throw new IllegalArgumentException(key + " is required: a principal such as User:orders-app");
        }
        try {
            KafkaPrincipal parsed = SecurityUtils.parseKafkaPrincipal(principal);
            if (!parsed.getPrincipalType().isBlank() && !parsed.getName().isBlank()) {
                return principal;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the key
        }
        throw new IllegalArgumentException(key + "=" + principal + ": expected Type:name, e.g. User:orders-app");
    }

    /** An operation valid for some resource type (filters); for one type use {@link #bindings}. */
    public static AclOperation operation(String value, String key) {
        return required(value, key, ALL_OPERATIONS);
    }

    /** One of {@code allowed}, case-insensitive ({@code describe-configs} = {@code DESCRIBE_CONFIGS}); required. */
    public static <E extends Enum<E>> E required(String value, String key, Collection<E> allowed) {
        E parsed = optional(value, key, allowed, null);
        if (parsed == null) {
            throw new IllegalArgumentException(key + " is required: one of " + names(allowed));
        }
        return parsed;
    }

    /** One of {@code allowed}, case-insensitive; {@code fallback} when missing or blank. */
    public static <E extends Enum<E>> E optional(String value, String key, Collection<E> allowed, E fallback) {
        String text = value(value);
        if (text == null) {
            return fallback;
        }
        String normalized = text.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : allowed) {
            if (e.name().equals(normalized)) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + "=" + text + ": expected one of " + names(allowed));
    }

    private static String resourceName(ResourceType type, PatternType pattern, String value, UnaryOperator<String> key) {
        String name = value(value);
        if (type == ResourceType.CLUSTER) {
            if (name != null && !name.equals(Resource.CLUSTER_NAME) || pattern != PatternType.LITERAL) {
                throw new IllegalArgumentException(key.apply("resource-name") + " of a CLUSTER resource must be "
                        + Resource.CLUSTER_NAME + " (or unset) with " + key.apply("pattern-type") + " LITERAL");
            }
            return Resource.CLUSTER_NAME;
        }
        if (name == null) {
            throw new IllegalArgumentException(key.apply("resource-name") + " is required: the " + type
                    + " name (or prefix with pattern-type PREFIXED; * for all)");
        }
        return name;
    }

    private static Set<AclOperation> operations(ResourceType type, String value, String key) {
        Set<AclOperation> allowed = OPERATIONS.get(type);
        String text = value(value);
        if (text == null) {
            throw new IllegalArgumentException(key + " is required: a comma list of " + names(allowed));
        }
        Set<AclOperation> operations = new LinkedHashSet<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                throw new IllegalArgumentException(key + "=" + text + ": empty item; expected a comma list of "
                        + names(allowed));
            }
            try {
                operations.add(required(item, key, allowed));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + text + ": " + item.trim() + " is not an operation on "
                        + type + "; expected a comma list of " + names(allowed));
            }
        }
        return operations;
    }

    private static String value(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static <E extends Enum<E>> String names(Collection<E> allowed) {
        return String.join(", ", allowed.stream().map(Enum::name).toList());
    }

    static String describe(AclBinding b) {
        return b.entry().permissionType() + " " + b.entry().principal() + " " + b.entry().operation() + " on "
                + b.pattern().resourceType() + " " + b.pattern().name() + " (" + b.pattern().patternType()
                + ") from host " + b.entry().host();
    }
}
