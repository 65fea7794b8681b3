package io.kafkaflows.http.security;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.kafkaflows.deadletter.DeadLetterHeaders;
import io.kafkaflows.testsupport.InProcessApp;
import io.kafkaflows.testsupport.KafkaTestSupport;
import io.kafkaflows.testsupport.LogCapture;
import io.kafkaflows.testsupport.TestJwt;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint of the API port x every identity, on the real app and the secured broker (it has an authorizer, so
 * ACL calls really change something). No credentials, a bad or unknown password, garbage, and expired, forged,
 * wrong-issuer, wrong-audience or never-expiring JWTs get 401; each role (from the users file or a JWT's roles
 * claim) gets 2xx where granted and 403 where not; a producer writes only to its own topics. After each identity's
 * refused calls nothing changed in Kafka (topics, partitions, configs, committed offsets, ACLs, end offsets). Each
 * state-changing call, refused or not, leaves one audit line (who, what, status) on the log and the audit topic; no
 * password or token appears in any log line, health or metrics output.
 */
class ApiAccessMatrixTest extends KafkaTestSupport {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "kafka-flows-api";
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();

    private static InProcessApp app;
    private static LogCapture logs;
    private static TestKafka kafka;
    private static String prefix;
    private static String subject;
    private static String group;
    private static final List<String> secrets = new ArrayList<>();
    private static final TestJwt IDP = TestJwt.newIssuer();

    /** One endpoint as the test calls it, and the status it answers when the caller may call it. */
    record Call(String operation, String method, String path, String body, int success, ApiRole role) {
    }

    /** Who calls: the Authorization header (null: none), and the roles it should be granted (null: refused, 401). */
    record Identity(String name, String authorization, List<ApiRole> roles) {
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = secureKafka();
        prefix = unique("api-matrix-");
        for (String user : List.of("alice", "olga", "vic", "bob")) {
            PASSWORDS.put(user, "pw-" + unique(user));
        }
        Path dir = Files.createTempDirectory("api-matrix");
        Path users = Files.writeString(dir.resolve("users.properties"), "user.alice=" + PASSWORDS.get("alice") + ",admin\n"
                + "user.olga=" + PASSWORDS.get("olga") + ",operator\n" + "user.vic=" + PASSWORDS.get("vic") + ",viewer\n"
                + "user.bob=" + PASSWORDS.get("bob") + ",producer\n");
        secrets.addAll(PASSWORDS.values());

        subject = kafka.createTopic(prefix + "subject", 2, Map.of());
        kafka.createTopic(prefix + "victim", 1, Map.of());
        kafka.createTopic(prefix + "orders-1", 1, Map.of());
        kafka.createTopic(prefix + "replay-target", 1, Map.of());
        kafka.createTopic(prefix + "dead-letter", 1, Map.of());
        kafka.createTopic(prefix + "audit", 1, Map.of());
        group = prefix + "group";
        for (int i = 0; i < 4; i++) {
            kafka.produce(List.of(new ProducerRecord<>(subject, i % 2, bytes("k"), bytes("{\"n\":" + i + "}"))));
        }
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(prefix + "dead-letter", bytes("k"), bytes("{\"n\":1}"));
        dead.headers().add(DeadLetterHeaders.SOURCE_TOPIC, bytes(prefix + "replay-target"));
        dead.headers().add(DeadLetterHeaders.EXCEPTION_CLASS, bytes("java.io.IOException"));
        kafka.produce(List.of(dead));
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition(subject, 0), new OffsetAndMetadata(2),
                new TopicPartition(subject, 1), new OffsetAndMetadata(1));
        kafka.admin().alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        kafka.admin().alterConsumerGroupOffsets(prefix + "doomed-group", offsets).all().get(30, TimeUnit.SECONDS);

        Properties props = secureAppProperties("admin", secureBroker().security().password("admin"));
        props.setProperty("flows.window.enabled", "false");
        props.setProperty("flows.eos.enabled", "false");
        props.setProperty("flows.dlq.topic", prefix + "dead-letter");
        props.setProperty("flows.replay.parking-topic", prefix + "dead-letter-parked");
        props.setProperty("flows.http.auth.users-file", users.toString());
        props.setProperty("flows.http.auth.jwt.public-key-file", IDP.writePublicKey(dir.resolve("idp.pem")).toString());
        props.setProperty("flows.http.auth.jwt.issuer", ISSUER);
        props.setProperty("flows.http.auth.jwt.audience", AUDIENCE);
        props.setProperty("flows.http.principals.bob.topics", prefix + "orders-.*");
        props.setProperty("flows.http.principals.jwt-producer.topics", prefix + "orders-.*");
        props.setProperty("flows.http.rate-limit.dlq-replay", "0");
        props.setProperty("flows.http.audit.topic", prefix + "audit");
        logs = LogCapture.of("");
        app = InProcessApp.start(props);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    private static List<Call> calls() {
        String acl = "{\"principal\":\"User:" + prefix + "x\",\"resourceType\":\"TOPIC\",\"resourceName\":\"" + prefix
                + "x\",\"operations\":[\"READ\"]}";
        return List.of(
                new Call("topics-list", "GET", "/api/topics", null, 200, ApiRole.VIEWER),
                new Call("topic-describe", "GET", "/api/topics/" + subject, null, 200, ApiRole.VIEWER),
                new Call("topic-browse", "GET", "/api/topics/" + subject + "/browse?limit=5", null, 200, ApiRole.VIEWER),
                new Call("groups-list", "GET", "/api/groups", null, 200, ApiRole.VIEWER),
                new Call("group-describe", "GET", "/api/groups/" + group, null, 200, ApiRole.VIEWER),
                new Call("group-lag", "GET", "/api/groups/" + group + "/lag", null, 200, ApiRole.VIEWER),
                // no share group of that name: a viewer gets through to the 404, others are refused before
                new Call("share-group-describe", "GET", "/api/share-groups/" + prefix + "no-share-group", null, 404, ApiRole.VIEWER),
                new Call("acls-list", "GET", "/api/acls", null, 200, ApiRole.VIEWER),
                new Call("dlq-stats", "GET", "/api/dlq", null, 200, ApiRole.VIEWER),
                new Call("flow-stats", "GET", "/api/flows", null, 200, ApiRole.VIEWER),
                new Call("dashboard", "GET", "/ui", null, 200, ApiRole.VIEWER),
                new Call("produce", "POST", "/api/topics/" + prefix + "orders-1/records", "{\"value\":{\"n\":1}}", 200, ApiRole.PRODUCER),
                new Call("dlq-replay", "POST", "/api/dlq/replay", "{}", 200, ApiRole.OPERATOR),
                new Call("group-reset-offsets", "POST", "/api/groups/" + group + "/reset-offsets",
                        "{\"topic\":\"" + subject + "\",\"to\":\"earliest\"}", 200, ApiRole.OPERATOR),
                new Call("topic-configs", "PUT", "/api/topics/" + subject + "/configs", "{\"retention.ms\":\"7200000\"}", 200, ApiRole.OPERATOR),
                new Call("topic-create", "POST", "/api/topics", "{\"name\":\"" + prefix + "created\",\"partitions\":1}", 201, ApiRole.ADMIN),
                new Call("topic-partitions", "POST", "/api/topics/" + subject + "/partitions", "{\"count\":3}", 200, ApiRole.ADMIN),
                new Call("acls-create", "POST", "/api/acls", acl, 201, ApiRole.ADMIN),
                new Call("acls-delete", "DELETE", "/api/acls?principal=" + URLEncoder.encode("User:" + prefix + "x", StandardCharsets.UTF_8),
                        null, 200, ApiRole.ADMIN),
                new Call("topic-delete", "DELETE", "/api/topics/" + prefix + "victim", null, 204, ApiRole.ADMIN),
                new Call("group-delete", "DELETE", "/api/groups/" + prefix + "doomed-group", null, 204, ApiRole.ADMIN));
    }

    private static List<Identity> identities() {
        Instant inAnHour = Instant.now().plusSeconds(3600);
        List<String> admin = List.of("admin");
        List<Identity> refused = List.of(
                new Identity("anonymous", null, null),
                new Identity("bad password", basic("alice", "wrong-" + PASSWORDS.get("alice")), null),
                new Identity("unknown user", basic("mallory", PASSWORDS.get("alice")), null),
                new Identity("garbage basic", "Basic !!!not-base64", null),
                new Identity("unknown scheme", "Digest username=alice", null),
                new Identity("expired JWT", bearer(IDP.token("jwt-admin", admin, ISSUER, AUDIENCE, Instant.now().minusSeconds(3600))), null),
                new Identity("forged JWT", bearer(TestJwt.newIssuer().token("jwt-admin", admin, ISSUER, AUDIENCE, inAnHour)), null),
                new Identity("wrong issuer JWT", bearer(IDP.token("jwt-admin", admin, "https://evil.test", AUDIENCE, inAnHour)), null),
                new Identity("wrong audience JWT", bearer(IDP.token("jwt-admin", admin, ISSUER, "other-api", inAnHour)), null),
                new Identity("never-expiring JWT", bearer(IDP.token("jwt-admin", admin, ISSUER, AUDIENCE, null)), null),
                new Identity("malformed JWT", bearer("abc.def.ghi"), null));
        List<Identity> granted = List.of(
                new Identity("viewer (basic)", basic("vic", PASSWORDS.get("vic")), List.of(ApiRole.VIEWER)),
                new Identity("viewer (JWT)", bearer(IDP.token("jwt-viewer", List.of("viewer", "unrelated-idp-role"), ISSUER, AUDIENCE, inAnHour)),
                        List.of(ApiRole.VIEWER)),
                new Identity("producer (basic)", basic("bob", PASSWORDS.get("bob")), List.of(ApiRole.PRODUCER)),
                new Identity("producer (JWT)", bearer(IDP.token("jwt-producer", List.of("producer"), ISSUER, AUDIENCE, inAnHour)),
                        List.of(ApiRole.PRODUCER)),
                new Identity("operator (basic)", basic("olga", PASSWORDS.get("olga")), List.of(ApiRole.OPERATOR)),
                new Identity("admin (basic)", basic("alice", PASSWORDS.get("alice")), List.of(ApiRole.ADMIN)));
        List<Identity> all = new ArrayList<>(refused);
        all.addAll(granted);
        all.forEach(i -> {
            if (i.authorization() != null) {
                secrets.add(i.authorization().substring(i.authorization().indexOf(' ') + 1));
            }
        });
        return all;
    }

    @Test
    void everyEndpointForEveryIdentity() throws Exception {
        List<Call> calls = calls();
        List<Identity> identities = identities();
        Map<String, Integer> tally = new TreeMap<>();
        int audited = 0;
        for (Identity who : identities) {
            for (Call call : calls) {
                int expected = who.roles() == null ? 401
                        : who.roles().stream().anyMatch(r -> r.grants(call.role())) ? call.success() : 403;
                boolean write = !ApiAccessRules.isRead(call.method());
                Map<String, Object> before = write && expected >= 400 ? kafkaState() : null;
                HttpResponse<String> response = call(call, who.authorization());
                String where = who.name() + " " + call.method() + " " + call.path();
                assertEquals(expected, response.statusCode(), where + ": " + response.body());
                if (expected == 401 || expected == 403) {
                    assertTrue(response.body().startsWith("{\"error\":\"" + (expected == 401 ? "unauthorized" : "forbidden")),
                            where + ": " + response.body());
                }
                if (before != null) {
                    assertEquals(before, kafkaState(), where + " was refused, yet Kafka changed");
                }
                if (write && call.role() != ApiRole.PRODUCER) {
                    audited++;
                }
                tally.merge(Integer.toString(expected), 1, Integer::sum);
            }
        }
        assertProducerStaysInItsTopics();
        System.out.println("API access matrix: " + calls.size() + " endpoints x " + identities.size()
                + " identities, answers by status " + tally);
        assertAudited(audited);
        assertNoSecretAnywhere();
    }

    /** bob may write orders-*: another topic, even one the global allowed-topics pattern accepts, is refused. */
    private static void assertProducerStaysInItsTopics() throws Exception {
        Map<String, Object> before = kafkaState();
        for (String topic : List.of(prefix + "subject", prefix + "other", "events")) {
            HttpResponse<String> response = call(new Call("produce", "POST", "/api/topics/" + topic + "/records",
                    "{\"value\":1}", 200, ApiRole.PRODUCER), basic("bob", PASSWORDS.get("bob")));
            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.body().contains("topic_not_allowed"), response.body());
        }
        assertEquals(before, kafkaState());
    }

    private static void assertAudited(int expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> auditLines().size() >= expected);
        List<String> lines = auditLines();
        assertEquals(expected, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"principal\":\"alice\"") && l.contains("\"auth\":\"basic\"")
                && l.contains("\"operation\":\"topic-delete\"") && l.contains("\"status\":204") && l.contains("\"outcome\":\"ok\"")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"principal\":\"vic\"") && l.contains("\"operation\":\"acls-create\"")
                && l.contains("\"status\":403") && l.contains("\"outcome\":\"forbidden\"")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"principal\":\"mallory\"") && l.contains("\"outcome\":\"unauthenticated\"")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"principal\":\"olga\"") && l.contains("\"operation\":\"group-reset-offsets\"")
                && l.contains("\"id\":\"" + group + "\"") && l.contains("\"body\":{\"topic\":\"" + subject + "\",\"to\":\"earliest\"}") && l.contains("\"status\":200")));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\"operation\":\"produce\"") || l.contains("\"method\":\"GET\"")));
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.endOffsetTotal(prefix + "audit") == expected);
    }

    private static List<String> auditLines() {
        return logs.lines().stream().filter(l -> l.startsWith("INFO {\"time\"") && l.contains("\"operation\"")).toList();
    }

    private static void assertNoSecretAnywhere() {
        String health = app.get(app.property("camel.management.port"), "/observe/health").body();
        String metrics = app.get(app.property("camel.management.port"), "/observe/metrics").body();
        String all = String.join("\n", logs.lines()) + health + metrics;
        assertFalse(logs.lines().isEmpty());
        for (String secret : secrets) {
            assertFalse(all.contains(secret), "a password or token appeared in the log, health or metrics");
        }
    }

    private static HttpResponse<String> call(Call call, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(app.property("camel.server.port"), call.path()))
                .header("Content-Type", "application/json")
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call.body()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return app.send(request);
    }

    /** What any endpoint could change: the test prefix's topics, their partitions and end offsets, configs, offsets, ACLs. */
    private static Map<String, Object> kafkaState() throws Exception {
        Admin admin = kafka.admin();
        Map<String, Object> state = new TreeMap<>();
        List<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(prefix) || t.equals("events")).sorted().toList();
        state.put("topics", topics);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) -> {
            if (!name.equals(prefix + "audit")) {
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
            }
        });
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, o) -> state.put("end " + tp, o.offset()));
        ConfigResource config = new ConfigResource(ConfigResource.Type.TOPIC, subject);
        state.put("retention.ms", admin.describeConfigs(List.of(config)).all().get(30, TimeUnit.SECONDS).get(config)
                .get("retention.ms").value());
        for (String g : List.of(group, prefix + "doomed-group")) {
            state.put("offsets " + g, new TreeMap<>(admin.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).entrySet().stream().collect(java.util.stream.Collectors.toMap(
                            e -> e.getKey().toString(), e -> e.getValue().offset()))));
        }
        state.put("acls", admin.describeAcls(new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                "User:" + prefix + "x", null, AclOperation.ANY, AclPermissionType.ANY))).values().get(30, TimeUnit.SECONDS).size());
        return state;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }
}
