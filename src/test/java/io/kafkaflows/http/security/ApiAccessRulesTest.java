package io.kafkaflows.http.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import io.kafkaflows.config.ConfigurationRefusedException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint table as shipped in application.properties: each request finds its operation and role, path
 * arguments come back decoded, unlisted endpoints still need viewer (reads) or admin (anything else), and the role
 * order grants admin > operator > viewer while producer stands apart. Malformed rules name their key.
 */
class ApiAccessRulesTest {

    private static ApiAccessRules shipped() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("application.properties"))) {
            props.load(in);
        }
        return ApiAccessRules.parse(props);
    }

    @Test
    void everyShippedEndpointHasItsRole() throws IOException {
        ApiAccessRules rules = shipped();
        Map<String, ApiRole> expected = Map.ofEntries(
                Map.entry("POST /api/topics/orders/records", ApiRole.PRODUCER),
                Map.entry("GET /api/topics", ApiRole.VIEWER),
                Map.entry("GET /api/topics/orders", ApiRole.VIEWER),
                Map.entry("HEAD /api/topics/orders", ApiRole.VIEWER),
                Map.entry("GET /api/groups/g1/lag", ApiRole.VIEWER),
                Map.entry("GET /ui", ApiRole.VIEWER),
                Map.entry("POST /api/dlq/replay", ApiRole.OPERATOR),
                Map.entry("POST /api/groups/g1/reset-offsets", ApiRole.OPERATOR),
                Map.entry("PUT /api/topics/orders/configs", ApiRole.OPERATOR),
                Map.entry("POST /api/topics", ApiRole.ADMIN),
                Map.entry("POST /api/topics/orders/partitions", ApiRole.ADMIN),
                Map.entry("DELETE /api/topics/orders", ApiRole.ADMIN),
                Map.entry("DELETE /api/topics/orders/", ApiRole.ADMIN),
                Map.entry("DELETE /api/groups/g1", ApiRole.ADMIN),
                Map.entry("GET /api/share-groups/jobs-group", ApiRole.VIEWER),
                Map.entry("GET /api/topics/orders/browse", ApiRole.VIEWER),
                Map.entry("GET /api/flows", ApiRole.VIEWER),
                Map.entry("POST /api/acls", ApiRole.ADMIN),
                Map.entry("DELETE /api/acls", ApiRole.ADMIN),
                Map.entry("GET /api/something-new", ApiRole.VIEWER),
                Map.entry("POST /api/something-new", ApiRole.ADMIN),
                Map.entry("PATCH /api/topics/orders", ApiRole.ADMIN));
        expected.forEach((request, role) -> {
            String[] parts = request.split(" ");
            assertEquals(role, rules.match(parts[0], parts[1]).rule().role(), request);
        });
        assertEquals(21, rules.rules().size());
        ApiAccessRules.Match produce = rules.match("POST", "/api/topics/orders%2Eeu%2B1/records");
        assertEquals("produce", produce.rule().operation());
        assertEquals("orders.eu+1", produce.arguments().get("topic"));
        assertFalse(produce.rule().audited(), "record writes are the data plane");
        assertTrue(rules.match("DELETE", "/api/topics/x").rule().audited());
        assertFalse(rules.match("GET", "/api/topics/x").rule().audited());
    }

    @Test
    void roleOrder() {
        assertTrue(ApiRole.ADMIN.grants(ApiRole.OPERATOR));
        assertTrue(ApiRole.ADMIN.grants(ApiRole.VIEWER));
        assertTrue(ApiRole.OPERATOR.grants(ApiRole.VIEWER));
        assertFalse(ApiRole.VIEWER.grants(ApiRole.OPERATOR));
        assertFalse(ApiRole.ADMIN.grants(ApiRole.PRODUCER));
        assertFalse(ApiRole.PRODUCER.grants(ApiRole.VIEWER));
        assertTrue(ApiRole.PRODUCER.grants(ApiRole.PRODUCER));
    }

    @Test
    void malformedRulesNameTheirKey() {
        for (String value : new String[] {"DELETE /api/topics/{name}", "DELETE api/topics admin", "GET /x superuser"}) {
            Properties props = new Properties();
            props.setProperty("flows.http.access.broken", value);
            ConfigurationRefusedException e = assertThrows(ConfigurationRefusedException.class, () -> ApiAccessRules.parse(props));
            assertTrue(e.getMessage().startsWith("flows.http.access.broken=" + value), e.getMessage());
        }
    }
}
