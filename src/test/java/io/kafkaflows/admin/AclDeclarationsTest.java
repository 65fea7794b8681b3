package io.kafkaflows.admin;

import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flows.acls.* declarations without a broker: parsing and defaults, every invalid value (the error names the key and
 * the allowed values), the reconcile modes, and the plan (what to create, what is undeclared) as a pure
 * function.
 */
class AclDeclarationsTest {

    private static AclBinding binding(String principal, ResourceType type, String name, PatternType pattern,
                                      AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", operation, permission));
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return binding(principal, type, name, PatternType.LITERAL, operation, AclPermissionType.ALLOW);
    }

    private static Properties props(String... keyValues) {
        Properties props = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    /** A minimal valid declaration "app" with one field replaced (or removed with a null value). */
    private static Properties valid(String field, String value) {
        Properties props = props("flows.acls.app.principal", "User:orders-app", "flows.acls.app.resource-type", "TOPIC",
                "flows.acls.app.resource-name", "orders", "flows.acls.app.operations", "READ");
        if (value == null) {
            props.remove("flows.acls.app." + field);
        } else {
            props.setProperty("flows.acls.app." + field, value);
        }
        return props;
    }

    private static void invalid(Properties props, String... expectedInMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AclDeclarations.parse(props));
        for (String expected : expectedInMessage) {
            assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
        }
    }

    @Test
    void parsesDeclarationsWithDefaults() {
        Properties props = props(
                "flows.acls.reconcile", "apply",
                "flows.acls.timeout-ms", "5000",
                "flows.acls.orders.v1.principal", "User:orders-app",
                "flows.acls.orders.v1.resource-type", "topic",
                "flows.acls.orders.v1.resource-name", "orders",
                "flows.acls.orders.v1.operations", " read, Write ,describe",
                "flows.acls.tx.principal", "User:orders-app",
                "flows.acls.tx.resource-type", "transactional-id",
                "flows.acls.tx.resource-name", "orders-",
                "flows.acls.tx.pattern-type", "prefixed",
                "flows.acls.tx.operations", "ALL",
                "flows.acls.tx.permission", "deny",
                "flows.acls.tx.host", "10.0.0.1",
                "flows.acls.cluster.principal", "User:ops",
                "flows.acls.cluster.resource-type", "CLUSTER",
                "flows.acls.cluster.operations", "idempotent-write");
        List<AclDeclarations.Declaration> parsed = AclDeclarations.parse(props);
        assertEquals(List.of("cluster", "orders.v1", "tx"), parsed.stream().map(AclDeclarations.Declaration::name).toList());
        assertEquals(List.of(allow("User:ops", ResourceType.CLUSTER, "kafka-cluster", AclOperation.IDEMPOTENT_WRITE)),
                parsed.get(0).bindings());
        assertEquals(List.of(allow("User:orders-app", ResourceType.TOPIC, "orders", AclOperation.READ),
                allow("User:orders-app", ResourceType.TOPIC, "orders", AclOperation.WRITE),
                allow("User:orders-app", ResourceType.TOPIC, "orders", AclOperation.DESCRIBE)), parsed.get(1).bindings());
        assertEquals(List.of(new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "orders-", PatternType.PREFIXED),
                new AccessControlEntry("User:orders-app", "10.0.0.1", AclOperation.ALL, AclPermissionType.DENY))), parsed.get(2).bindings());
        assertEquals(5, AclDeclarations.bindings(parsed).size());
    }

    @Test
    void noDeclarationsParsesToNothing() {
        assertEquals(List.of(), AclDeclarations.parse(props("flows.acls.reconcile", "create", "flows.topics.x.partitions", "1")));
    }

    @Test
    void duplicateOperationsAndDeclarationsCollapse() {
        Properties props = valid("operations", "READ,read");
        props.setProperty("flows.acls.again.principal", "User:orders-app");
        props.setProperty("flows.acls.again.resource-type", "TOPIC");
        props.setProperty("flows.acls.again.resource-name", "orders");
        props.setProperty("flows.acls.again.operations", "READ");
        List<AclDeclarations.Declaration> parsed = AclDeclarations.parse(props);
        assertEquals(1, parsed.get(1).bindings().size());
        assertEquals(1, AclDeclarations.bindings(parsed).size());
    }

    @Test
    void rejectsMissingAndBadPrincipals() {
        invalid(valid("principal", null), "flows.acls.app.principal is required", "User:");
        invalid(valid("principal", " "), "flows.acls.app.principal is required");
        invalid(valid("principal", "orders-app"), "flows.acls.app.principal=orders-app", "Type:name");
        invalid(valid("principal", "User:"), "flows.acls.app.principal=User:", "Type:name");
        invalid(valid("principal", ":orders-app"), "flows.acls.app.principal", "Type:name");
    }

    @Test
    void rejectsMissingAndBadResources() {
        invalid(valid("resource-type", null), "flows.acls.app.resource-type is required", "TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID");
        invalid(valid("resource-type", "user"), "flows.acls.app.resource-type=user", "TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID");
        invalid(valid("resource-type", "any"), "flows.acls.app.resource-type=any");
        invalid(valid("resource-name", null), "flows.acls.app.resource-name is required");
        invalid(valid("pattern-type", "match"), "flows.acls.app.pattern-type=match", "LITERAL, PREFIXED");
        invalid(valid("pattern-type", "any"), "flows.acls.app.pattern-type=any", "LITERAL, PREFIXED");
        Properties cluster = valid("resource-type", "CLUSTER");
        cluster.setProperty("flows.acls.app.operations", "ALTER");
        invalid(cluster, "flows.acls.app.resource-name of a CLUSTER resource must be kafka-cluster");
        cluster.setProperty("flows.acls.app.resource-name", "kafka-cluster");
        cluster.setProperty("flows.acls.app.pattern-type", "PREFIXED");
        invalid(cluster, "flows.acls.app.pattern-type LITERAL");
    }

    @Test
    void rejectsMissingAndBadOperations() {
        invalid(valid("operations", null), "flows.acls.app.operations is required", "READ", "WRITE", "ALL");
        invalid(valid("operations", "READ,,WRITE"), "flows.acls.app.operations=READ,,WRITE", "empty item");
        invalid(valid("operations", "READ,FLY"), "flows.acls.app.operations=READ,FLY", "FLY is not an operation on TOPIC",
                "ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS");
        invalid(valid("operations", "ANY"), "ANY is not an operation on TOPIC");
        invalid(valid("operations", "IDEMPOTENT_WRITE"), "IDEMPOTENT_WRITE is not an operation on TOPIC");
        Properties group = valid("resource-type", "GROUP");
        group.setProperty("flows.acls.app.operations", "WRITE");
        invalid(group, "WRITE is not an operation on GROUP", "ALL, READ, DELETE, DESCRIBE");
    }

    @Test
    void rejectsBadPermissionUnknownFieldsAndKeys() {
        invalid(valid("permission", "maybe"), "flows.acls.app.permission=maybe", "DENY, ALLOW");
        invalid(valid("operation", "READ"), "unknown field flows.acls.app.operation", "flows.acls.app.operations");
        invalid(props("flows.acls.app", "x"), "not an ACL declaration: flows.acls.app", "principal");
    }

    @Test
    void reconcileModes() {
        assertEquals(AclDeclarations.Reconcile.CREATE, AclDeclarations.Reconcile.of(null));
        assertEquals(AclDeclarations.Reconcile.CREATE, AclDeclarations.Reconcile.of(" "));
        assertEquals(AclDeclarations.Reconcile.APPLY, AclDeclarations.Reconcile.of("Apply"));
        assertEquals(AclDeclarations.Reconcile.OFF, AclDeclarations.Reconcile.of("off"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AclDeclarations.Reconcile.of("report"));
        assertTrue(e.getMessage().contains("flows.acls.reconcile=report") && e.getMessage().contains("OFF, CREATE, APPLY"), e.getMessage());
    }

    @Test
    void reconcileWithNothingDeclaredOrOffMakesNoAdminCall() throws Exception {
        // a null admin would fail on any call
        assertEquals(new AclDeclarations.Result(0, 0, 0),
                AclDeclarations.reconcile(null, List.of(), AclDeclarations.Reconcile.APPLY, 1000));
        assertEquals(new AclDeclarations.Result(0, 0, 0),
                AclDeclarations.reconcile(null, AclDeclarations.parse(valid("host", "*")), AclDeclarations.Reconcile.OFF, 1000));
    }

    @Test
    void planCreatesTheMissingAndFindsTheUndeclaredOfDeclaredPrincipalsOnly() {
        AclBinding read = allow("User:orders-app", ResourceType.TOPIC, "orders", AclOperation.READ);
        AclBinding write = allow("User:orders-app", ResourceType.TOPIC, "orders", AclOperation.WRITE);
        AclBinding group = allow("User:orders-app", ResourceType.GROUP, "orders-group", AclOperation.READ);
        AclBinding stale = allow("User:orders-app", ResourceType.TOPIC, "old-orders", AclOperation.READ);
        AclBinding denied = binding("User:orders-app", ResourceType.TOPIC, "orders", PatternType.LITERAL,
                AclOperation.READ, AclPermissionType.DENY);
        AclBinding prefixed = binding("User:orders-app", ResourceType.TOPIC, "orders", PatternType.PREFIXED,
                AclOperation.READ, AclPermissionType.ALLOW);
        AclBinding otherPrincipal = allow("User:billing", ResourceType.TOPIC, "orders", AclOperation.READ);

        AclDeclarations.Plan plan = AclDeclarations.plan(List.of(read, write, group),
                List.of(read, stale, denied, prefixed, otherPrincipal));
        assertEquals(List.of(write, group), plan.toCreate());
        assertEquals(List.of(stale, denied, prefixed), plan.undeclared(), "same resource, other permission or pattern: not the declared binding");

        AclDeclarations.Plan inSync = AclDeclarations.plan(List.of(read, write), List.of(write, read, otherPrincipal));
        assertEquals(new AclDeclarations.Plan(List.of(), List.of()), inSync);
        assertEquals(new AclDeclarations.Plan(List.of(read), List.of()), AclDeclarations.plan(List.of(read, read), List.of()));
        assertEquals(new AclDeclarations.Plan(List.of(), List.of()), AclDeclarations.plan(List.of(), List.of(read, otherPrincipal)));
    }
}
