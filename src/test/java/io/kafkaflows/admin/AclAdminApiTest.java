package io.kafkaflows.admin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACLs against the ordinary test broker, which has no authorizer: the app starts with flows.acls.* declared (one
 * referring to a flow topic by placeholder) and logs that they were not applied; the ACL API answers 409
 * no_authorizer, 400 for invalid input before asking Kafka, 403 in read-only mode; an invalid declaration stops the
 * start-up.
 */
class AclAdminApiTest extends KafkaTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALID = "{\"principal\":\"User:orders-app\",\"resourceType\":\"TOPIC\","
            + "\"resourceName\":\"orders\",\"operations\":[\"READ\",\"DESCRIBE\"]}";
    private static InProcessApp app;
    private static Properties props;
    private static List<String> startupLog;

    @BeforeAll
    static void start() {
        props = declared(appProperties(), unique("User:acl-app"));
        try (LogCapture log = LogCapture.of("io.kafkaflows")) {
            app = InProcessApp.start(props);
            startupLog = log.lines();
        }
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Properties declared(Properties props, String principal) {
        props.setProperty("flows.acls.eos-reader.principal", principal);
        props.setProperty("flows.acls.eos-reader.resource-type", "topic");
        props.setProperty("flows.acls.eos-reader.resource-name", "{{flows.eos.input-topic}}");
        props.setProperty("flows.acls.eos-reader.operations", "READ,DESCRIBE");
        props.setProperty("flows.acls.eos-group.principal", principal);
        props.setProperty("flows.acls.eos-group.resource-type", "GROUP");
        props.setProperty("flows.acls.eos-group.resource-name", "{{flows.eos.group-id}}");
        props.setProperty("flows.acls.eos-group.operations", "READ");
        return props;
    }

    private static HttpResponse<String> call(InProcessApp on, String method, String path, String body) {
        return on.send(HttpRequest.newBuilder(on.uri(on.property("camel.server.port"), path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode expect(HttpResponse<String> response, int status, String error) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(error, body.get("error").asText(), response.body());
        return body;
    }

    @Test
    void startsWithDeclarationsAndLogsThatTheClusterHasNoAuthorizer() {
        assertTrue(startupLog.stream().anyMatch(l -> l.startsWith("ERROR ACLs declared but the cluster has no authorizer")
                && l.contains("3 declared bindings")), String.join("\n", startupLog));
        String topic = props.getProperty("flows.eos.input-topic");
        assertTrue(startupLog.contains("WARN Declared ACL not applied (no authorizer): ALLOW " + props.getProperty(
                "flows.acls.eos-reader.principal") + " READ on TOPIC " + topic + " (LITERAL) from host *"),
                "placeholders resolved: " + String.join("\n", startupLog));
        assertEquals(200, app.get(app.property("camel.server.port"), "/api/topics").statusCode(), "the app runs");
    }

    @Test
    void listingAndChangingAclsIsAConflictWithoutAuthorizer() throws Exception {
        JsonNode listed = expect(call(app, "GET", "/api/acls", null), 409, "no_authorizer");
        assertTrue(listed.get("detail").asText().contains("no authorizer (authorizer.class.name)"), listed.toString());
        expect(call(app, "GET", "/api/acls?principal=User%3Aorders-app&resourceType=topic", null), 409, "no_authorizer");
        expect(call(app, "POST", "/api/acls", VALID), 409, "no_authorizer");
        expect(call(app, "POST", "/api/acls", "[" + VALID + "]"), 409, "no_authorizer");
        expect(call(app, "DELETE", "/api/acls?principal=User%3Aorders-app", null), 409, "no_authorizer");
        expect(call(app, "DELETE", "/api/acls", "{\"principal\":\"User:orders-app\",\"resourceType\":\"TOPIC\"}"), 409, "no_authorizer");
    }

    @Test
    void invalidInputIsABadRequest() throws Exception {
        JsonNode op = expect(call(app, "POST", "/api/acls", VALID.replace("\"READ\"", "\"FLY\"")), 400, "bad_request");
        assertTrue(op.get("detail").asText().contains("FLY is not an operation on TOPIC"), op.toString());
        JsonNode type = expect(call(app, "POST", "/api/acls", VALID.replace("TOPIC", "TOPIX")), 400, "bad_request");
        assertTrue(type.get("detail").asText().contains("\"resourceType\"=TOPIX: expected one of TOPIC, GROUP, CLUSTER,"
                + " TRANSACTIONAL_ID"), type.toString());
        expect(call(app, "POST", "/api/acls", VALID.replace("User:orders-app", "orders-app")), 400, "bad_request");
        expect(call(app, "POST", "/api/acls", "{\"principal\":\"User:a\",\"resourceType\":\"TOPIC\",\"resourceName\":\"t\"}"), 400, "bad_request");
        expect(call(app, "POST", "/api/acls", "[]"), 400, "bad_request");
        expect(call(app, "POST", "/api/acls", "{not json"), 400, "bad_request");
        expect(call(app, "POST", "/api/acls", null), 400, "bad_request");
        expect(call(app, "GET", "/api/acls?resourceType=user", null), 400, "bad_request");
        JsonNode noPrincipal = expect(call(app, "DELETE", "/api/acls?resourceType=TOPIC", null), 400, "bad_request");
        assertTrue(noPrincipal.get("detail").asText().contains("\"principal\" is required"), noPrincipal.toString());
        expect(call(app, "DELETE", "/api/acls", "{\"resourceName\":\"orders\"}"), 400, "bad_request");
        expect(call(app, "DELETE", "/api/acls", "{\"principal\":\"User:a\",\"color\":\"red\"}"), 400, "bad_request");
    }

    @Test
    void readOnlyRefusesCreatesAndDeletes() throws Exception {
        Properties readOnly = appProperties();
        readOnly.setProperty("flows.admin.read-only", "true");
        try (InProcessApp other = InProcessApp.start(readOnly)) {
            expect(call(other, "POST", "/api/acls", VALID), 403, "read_only");
            expect(call(other, "DELETE", "/api/acls?principal=User%3Aorders-app", null), 403, "read_only");
            expect(call(other, "GET", "/api/acls", null), 409, "no_authorizer");
        }
    }

    @Test
    void anInvalidDeclarationStopsTheStartUp() {
        Properties invalid = declared(appProperties(), unique("User:acl-app"));
        invalid.setProperty("flows.acls.eos-group.operations", "READ,WRITE");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> InProcessApp.start(invalid).close());
        String message = String.valueOf(e.getCause());
        assertTrue(message.contains("flows.acls.eos-group.operations=READ,WRITE: WRITE is not an operation on GROUP"), message);
    }
}
