package io.kafkaflows.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Test helpers for running the app as one SCRAM user of the secured broker: every topic, group and transactional id
 * of the app's settings is renamed under one prefix, and the user gets PREFIXED ACLs on that prefix, operation by
 * operation, so a test can leave one out.
 */
public final class SecureKafkaApp {

    private SecureKafkaApp() {
    }

    /** Puts every flow topic, group and transactional id (and the DLQ/parking topics) under {@code prefix}. */
    public static Properties underPrefix(Properties props, String prefix) {
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("flows.") && (key.endsWith("topic") || key.endsWith("group-id") || key.endsWith("transactional-id"))) {
                props.setProperty(key, prefix + props.getProperty(key));
            }
        }
        props.setProperty("flows.dlq.topic", prefix + "dead-letter");
        props.setProperty("flows.replay.parking-topic", prefix + "dead-letter-parked");
        return props;
    }

    public static AclBinding allow(String user, ResourceType type, String prefix, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    /** What every flow of the app needs under the prefix: the documented minimal set, all of it. */
    public static List<AclBinding> allFlows(String user, String prefix) {
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE,
                AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(user, ResourceType.TOPIC, prefix, op));
        }
        acls.add(allow(user, ResourceType.GROUP, prefix, AclOperation.READ));
        acls.add(allow(user, ResourceType.GROUP, prefix, AclOperation.DESCRIBE));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, prefix, AclOperation.WRITE));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, prefix, AclOperation.DESCRIBE));
        return acls;
    }

    public static void grant(Admin admin, List<AclBinding> acls) {
        try {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create ACLs " + acls, e);
        }
    }

    public static AclBindingFilter anyOf(String user) {
        return new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
    }
}
