package io.kafkaflows.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACLs declared in configuration: {@code flows.acls.<name>.principal}, {@code .resource-type},
 * {@code .resource-name}, {@code .pattern-type}, {@code .operations}, {@code .permission}, {@code .host}
 * ({@link AclBindingParser}). At start-up the missing bindings are created; bindings of the declared principals that
 * are not declared are logged ({@code flows.acls.reconcile=create}) or deleted ({@code apply}). Out: a {@link Result}.
 */
public final class AclDeclarations {

    static final String PREFIX = "flows.acls.";
    static final String RECONCILE = PREFIX + "reconcile";
    static final String TIMEOUT = PREFIX + "timeout-ms";
    private static final Logger LOG = LoggerFactory.getLogger(AclDeclarations.class);

    /** {@code flows.acls.reconcile}: leave the cluster alone, create what is missing, or also delete the undeclared. */
    public enum Reconcile {
        OFF, CREATE, APPLY;

        public static Reconcile of(String value) {
            return AclBindingParser.optional(value, RECONCILE, List.of(values()), CREATE);
        }
    }

    /** One declaration: its label and its bindings (one per operation). */
    public record Declaration(String name, List<AclBinding> bindings) {
    }

    /** What reconciling needs: declared bindings missing on the cluster, and the declared principals' undeclared ones. */
    public record Plan(List<AclBinding> toCreate, List<AclBinding> undeclared) {
    }

    /** What reconciling did: bindings created, deleted, and undeclared ones found (deleted only with apply). */
    public record Result(int created, int deleted, int extra) {
    }

    private AclDeclarations() {
    }

    /** Parses flows.acls.* (labels may contain dots; the field is the last part of the key). */
    public static List<Declaration> parse(Properties props) {
        Map<String, Map<String, String>> fields = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!key.startsWith(PREFIX) || key.equals(RECONCILE) || key.equals(TIMEOUT)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("not an ACL declaration: " + key + "; expected " + PREFIX
                        + "<name>.<field> with field one of " + AclBindingParser.FIELDS);
            }
            fields.computeIfAbsent(rest.substring(0, dot), n -> new TreeMap<>())
                    .put(rest.substring(dot + 1), props.getProperty(key));
        }
        List<Declaration> declarations = new ArrayList<>();
        fields.forEach((name, f) -> declarations.add(
                new Declaration(name, AclBindingParser.bindings(f, field -> PREFIX + name + "." + field))));
        return declarations;
    }

    /** All declared bindings, without duplicates, in declaration order. */
    public static Set<AclBinding> bindings(Collection<Declaration> declarations) {
        Set<AclBinding> all = new LinkedHashSet<>();
        declarations.forEach(d -> all.addAll(d.bindings()));
        return all;
    }

    /**
     * Declared bindings not in {@code existing} are to create; bindings in {@code existing} whose principal is a
     * declared one but which are not declared themselves are undeclared. Other principals' bindings are ignored.
     */
    public static Plan plan(Collection<AclBinding> declared, Collection<AclBinding> existing) {
        Set<AclBinding> wanted = new LinkedHashSet<>(declared);
        Set<String> principals = new LinkedHashSet<>();
        wanted.forEach(b -> principals.add(b.entry().principal()));
        Set<AclBinding> present = new LinkedHashSet<>(existing);
        List<AclBinding> toCreate = wanted.stream().filter(b -> !present.contains(b)).toList();
        List<AclBinding> undeclared = present.stream()
                .filter(b -> principals.contains(b.entry().principal()) && !wanted.contains(b)).toList();
        return new Plan(toCreate, undeclared);
    }

    /** The bindings on the cluster of the given principals. */
    public static List<AclBinding> existing(Admin admin, Collection<String> principals, long timeoutMs) throws Exception {
        List<AclBinding> existing = new ArrayList<>();
        for (String principal : new LinkedHashSet<>(principals)) {
            AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
            existing.addAll(admin.describeAcls(filter).values().get(timeoutMs, TimeUnit.MILLISECONDS));
        }
        return existing;
    }

    /**
     * Creates the missing declared bindings; {@link Reconcile#APPLY} also deletes the declared principals'
     * undeclared ones, {@link Reconcile#CREATE} logs them. Nothing declared or {@code OFF}: no admin call at all.
     * A cluster without authorizer fails with (a cause of) {@code SecurityDisabledException}.
     */
    public static Result reconcile(Admin admin, List<Declaration> declarations, Reconcile mode, long timeoutMs) throws Exception {
        if (declarations.isEmpty() || mode == Reconcile.OFF) {
            return new Result(0, 0, 0);
        }
        Set<AclBinding> declared = bindings(declarations);
        List<String> principals = declared.stream().map(b -> b.entry().principal()).distinct().toList();
        Plan plan = plan(declared, existing(admin, principals, timeoutMs));
        if (!plan.toCreate().isEmpty()) {
            admin.createAcls(plan.toCreate()).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            plan.toCreate().forEach(b -> LOG.info("Created ACL: {}", AclBindingParser.describe(b)));
        }
        int deleted = 0;
        if (mode == Reconcile.APPLY && !plan.undeclared().isEmpty()) {
            Collection<AclBinding> gone = admin.deleteAcls(plan.undeclared().stream().map(AclBinding::toFilter).toList())
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
            gone.forEach(b -> LOG.info("Deleted undeclared ACL: {}", AclBindingParser.describe(b)));
            deleted = gone.size();
        } else {
            plan.undeclared().forEach(b -> LOG.warn("ACL on the cluster but not declared in {}* (kept; {}=apply deletes"
                    + " it): {}", PREFIX, RECONCILE, AclBindingParser.describe(b)));
        }
        LOG.info("Declared ACLs reconciled ({}={}): {} bindings declared, {} created, {} undeclared, {} deleted",
                RECONCILE, mode.name().toLowerCase(Locale.ROOT), declared.size(), plan.toCreate().size(),
                plan.undeclared().size(), deleted);
        return new Result(plan.toCreate().size(), deleted, plan.undeclared().size());
    }
}
