package io.kafkaflows.admin;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ACL API's input rules without a broker: JSON bodies (one binding or a list, operations as a list or a comma
 * list) checked like flows.acls.* declarations but named by their JSON fields, and filters (principal required to
 * delete).
 */
class AclAdministrationTest {

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    @Test
    void bindingsFromJsonUseTheSameRulesWithJsonFieldNames() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<AclBinding> parsed = AclAdministration.bindings(json.readTree("[{\"principal\":\"User:a\",\"resourceType\":\"topic\","
                + "\"resourceName\":\"t\",\"operations\":[\"READ\",\"describe\"]},{\"principal\":\"User:a\",\"resourceType\":\"GROUP\","
                + "\"resourceName\":\"g\",\"patternType\":\"PREFIXED\",\"operation\":\"READ\",\"permission\":\"DENY\",\"host\":\"1.2.3.4\"}]"));
        assertEquals(List.of(allow("User:a", ResourceType.TOPIC, "t", AclOperation.READ),
                allow("User:a", ResourceType.TOPIC, "t", AclOperation.DESCRIBE),
                new AclBinding(new ResourcePattern(ResourceType.GROUP, "g", PatternType.PREFIXED),
                        new AccessControlEntry("User:a", "1.2.3.4", AclOperation.READ, AclPermissionType.DENY))), parsed);
        Map<String, String> messages = Map.of(
                "{\"principal\":\"User:a\",\"resourceType\":\"TOPIC\",\"resourceName\":\"t\"}", "\"operations\" is required",
                "{\"principal\":\"a\",\"resourceType\":\"TOPIC\",\"resourceName\":\"t\",\"operations\":\"READ\"}", "\"principal\"=a",
                "{\"principal\":\"User:a\",\"resourceType\":\"TOPIX\",\"resourceName\":\"t\",\"operations\":\"READ\"}", "\"resourceType\"=TOPIX",
                "{\"principal\":\"User:a\",\"resourceType\":\"TOPIC\",\"resourceName\":\"t\",\"operations\":\"READ\",\"extra\":1}", "unknown field \"extra\"",
                "{\"principal\":\"User:a\",\"resourceType\":\"TOPIC\",\"resourceName\":\"t\",\"operations\":\"READ\",\"operation\":\"WRITE\"}", "not both",
                "{\"principal\":\"User:a\",\"resourceType\":\"TOPIC\",\"resourceName\":7,\"operations\":\"READ\"}", "\"resourceName\" must be a string",
                "[]", "non-empty array",
                "[1]", "expected a JSON object");
        for (Map.Entry<String, String> m : messages.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AclAdministration.bindings(json.readTree(m.getKey())));
            assertTrue(e.getMessage().contains(m.getValue()), m.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void filtersNeedAPrincipalToDelete() {
        var any = AclAdministration.filter(Map.of(), false);
        assertEquals(ResourceType.ANY, any.patternFilter().resourceType());
        assertEquals(PatternType.ANY, any.patternFilter().patternType());
        var some = AclAdministration.filter(Map.of("principal", "User:a", "resourceType", "topic", "resourceName", "t",
                "operation", "read", "permission", "allow", "patternType", "literal"), true);
        assertTrue(some.matches(allow("User:a", ResourceType.TOPIC, "t", AclOperation.READ)));
        assertFalse(some.matches(allow("User:b", ResourceType.TOPIC, "t", AclOperation.READ)));
        assertThrows(IllegalArgumentException.class, () -> AclAdministration.filter(Map.of("resourceName", "t"), true));
        assertThrows(IllegalArgumentException.class, () -> AclAdministration.filter(Map.of("principal", "nope"), true));
        assertThrows(IllegalArgumentException.class, () -> AclAdministration.filter(Map.of("principal", "User:a", "host", "*"), true));
        assertThrows(IllegalArgumentException.class, () -> AclAdministration.filter(Map.of("operation", "FLY"), false));
    }
}
