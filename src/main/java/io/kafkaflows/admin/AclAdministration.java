package io.kafkaflows.admin;

import io.kafkaflows.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.http.HttpProblemException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ACLs through the shared admin client, for the REST API (routes/admin.camel.yaml): list with filters, create (one
 * binding or a list, validated like {@code flows.acls.*} declarations by {@link AclBindingParser}), delete by filter
 * (principal required). Out: bindings as {@code {principal, host, resourceType, resourceName, patternType, operation,
 * permission}}. Creates and deletes are refused while {@code flows.admin.read-only} is true.
 */
public final class AclAdministration {

    /** JSON field names of the declaration fields ({@code operation} is accepted for {@code operations} too). */
    static final Map<String, String> JSON_FIELDS = Map.of("principal", "principal", "host", "host",
            "resourceType", "resource-type", "resourceName", "resource-name", "patternType", "pattern-type",
            "operations", "operations", "operation", "operations", "permission", "permission");
    static final List<String> FILTER_FIELDS =
            List.of("principal", "resourceType", "resourceName", "patternType", "operation", "permission");
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final long TIMEOUT_SECONDS = 30;
    private static final Comparator<AclBinding> ORDER = Comparator
            .comparing((AclBinding b) -> b.entry().principal())
            .thenComparing(b -> b.pattern().resourceType())
            .thenComparing(b -> b.pattern().name())
            .thenComparing(b -> b.pattern().patternType())
            .thenComparing(b -> b.entry().operation())
            .thenComparing(b -> b.entry().permissionType())
            .thenComparing(b -> b.entry().host());

    private SharedKafkaAdmin admin;
    private TopicAdministration topics;

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public void setTopics(TopicAdministration topics) {
        this.topics = topics;
    }

    /** {@code GET /api/acls}: query parameters {@link #FILTER_FIELDS}, all optional. */
    public ApiResponse list(Map<String, Object> query) throws Exception {
        return ApiResponse.ok(json(listAcls(admin.admin(), badRequest(() -> filter(fields(query), false)))));
    }

    /** {@code POST /api/acls}: one binding or a list -> 201 with the created bindings (one per operation). */
    public ApiResponse create(byte[] body) throws Exception {
        topics.checkWritable();
        JsonNode request = body == null || body.length == 0 ? null : JSON.readTree(body);
        return ApiResponse.created(json(createAcls(admin.admin(), badRequest(() -> bindings(request)))));
    }

    /** {@code DELETE /api/acls}: the filter as a JSON body or as query parameters; principal required. */
    public ApiResponse delete(Map<String, Object> query, byte[] body) throws Exception {
        topics.checkWritable();
        Map<String, String> fields = body == null || body.length == 0 ? fields(query) : fields(TopicAdministration.json(body));
        return ApiResponse.ok(json(deleteAcls(admin.admin(), badRequest(() -> filter(fields, true)))));
    }

    // static, taking any Admin (a test against a secured broker can call them directly); not overloads of the bean
    // methods, which Camel's bean binding would have to choose between
    public static List<AclBinding> listAcls(Admin admin, AclBindingFilter filter) throws Exception {
        return admin.describeAcls(filter).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream().sorted(ORDER).toList();
    }

    public static List<AclBinding> createAcls(Admin admin, List<AclBinding> bindings) throws Exception {
        admin.createAcls(bindings).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return bindings.stream().sorted(ORDER).toList();
    }

    public static List<AclBinding> deleteAcls(Admin admin, AclBindingFilter filter) throws Exception {
        return admin.deleteAcls(List.of(filter)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream().sorted(ORDER).toList();
    }

    /** A filter from {@link #FILTER_FIELDS} (missing = any); values are checked like declarations. */
    public static AclBindingFilter filter(Map<String, String> fields, boolean principalRequired) {
        for (String field : fields.keySet()) {
            if (!FILTER_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown filter \"" + field + "\"; allowed: " + FILTER_FIELDS);
            }
        }
        String principal = fields.get("principal");
        if (principal == null && principalRequired) {
            throw new IllegalArgumentException("\"principal\" is required to delete ACLs (so that one call cannot delete"
                    + " every ACL of the cluster)");
        }
        principal = principal == null ? null : AclBindingParser.principal(principal, "\"principal\"");
        ResourceType type = AclBindingParser.optional(fields.get("resourceType"), "\"resourceType\"",
                AclBindingParser.RESOURCE_TYPES, ResourceType.ANY);
        PatternType pattern = AclBindingParser.optional(fields.get("patternType"), "\"patternType\"",
                AclBindingParser.PATTERN_TYPES, PatternType.ANY);
        AclOperation operation = fields.get("operation") == null ? AclOperation.ANY
                : AclBindingParser.operation(fields.get("operation"), "\"operation\"");
        AclPermissionType permission = AclBindingParser.optional(fields.get("permission"), "\"permission\"",
                AclBindingParser.PERMISSIONS, AclPermissionType.ANY);
        return new AclBindingFilter(new ResourcePatternFilter(type, fields.get("resourceName"), pattern),
                new AccessControlEntryFilter(principal, null, operation, permission));
    }

    /** The bindings of a JSON object or array of objects (fields {@link #JSON_FIELDS}; operations a list or a comma list). */
    public static List<AclBinding> bindings(JsonNode request) {
        if (request == null || !(request.isObject() || request.isArray() && !request.isEmpty())) {
            throw new IllegalArgumentException("expected a JSON object or a non-empty array of objects");
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode item : request.isArray() ? request : List.of(request)) {
            if (!item.isObject()) {
                throw new IllegalArgumentException("expected a JSON object, got " + item);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = JSON_FIELDS.get(e.getKey());
                if (field == null) {
                    throw new IllegalArgumentException("unknown field \"" + e.getKey() + "\"; allowed: " + JSON_FIELDS.keySet());
                }
                if (fields.containsKey(field)) {
                    throw new IllegalArgumentException("give \"operations\" or \"operation\", not both");
                }
                fields.put(field, text(e.getKey(), e.getValue()));
            }
            bindings.addAll(AclBindingParser.bindings(fields, AclAdministration::jsonName));
        }
        return bindings.stream().distinct().toList();
    }

    /** A binding as the API shows it. */
    public static Map<String, Object> json(AclBinding b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("principal", b.entry().principal());
        out.put("host", b.entry().host());
        out.put("resourceType", b.pattern().resourceType().name());
        out.put("resourceName", b.pattern().name());
        out.put("patternType", b.pattern().patternType().name());
        out.put("operation", b.entry().operation().name());
        out.put("permission", b.entry().permissionType().name());
        return out;
    }

    private static List<Map<String, Object>> json(List<AclBinding> bindings) {
        return bindings.stream().map(AclAdministration::json).toList();
    }

    private static String text(String name, JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (name.equals("operations") && value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.isTextual() ? v.asText() : v.toString()));
            return String.join(",", items);
        }
        if (value.isNull()) {
            return null;
        }
        throw new IllegalArgumentException("\"" + name + "\" must be a string" + (name.equals("operations") ? " or a list" : ""));
    }

    private static String jsonName(String field) {
        for (Map.Entry<String, String> e : JSON_FIELDS.entrySet()) {
            if (e.getValue().equals(field) && !e.getKey().equals("operation")) {
                return "\"" + e.getKey() + "\"";
            }
        }
        return "\"" + field + "\"";
    }

    /** Filter fields from a JSON object or from the query parameters (headers: only the filter names are read). */
    private static Map<String, String> fields(Object source) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (source instanceof JsonNode node) {
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        } else if (source instanceof Map<?, ?> query) {
            for (String name : FILTER_FIELDS) {
                Object value = query.get(name);
                if (value != null && !value.toString().isBlank()) {
                    fields.put(name, value.toString());
                }
            }
        }
        fields.values().removeIf(v -> v == null || v.isBlank());
        return fields;
    }

    private static <T> T badRequest(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw HttpProblemException.badRequest(e.getMessage());
        }
    }
}
