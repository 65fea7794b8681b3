package io.kafkaflows.reload;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans of the registry across one reload. Reloading a YAML file binds its beans anew (Camel unbinds the old
 * instance without stopping it): the replaced instances that are services (Kafka producers, transactions, health
 * checks) are stopped once the routes using them are gone; a reload that fails before any route stopped binds the
 * previous instances again, since the running routes still use those.
 */
final class BeanLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(BeanLifecycle.class);

    private final Registry registry;
    private final Map<String, Object> before;
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private BeanLifecycle(Registry registry, Map<String, Object> before) {
        this.registry = registry;
        this.before = before;
        seen.addAll(before.values());
    }

    static BeanLifecycle snapshot(CamelContext context) {
        return new BeanLifecycle(context.getRegistry(), Map.copyOf(context.getRegistry().findByTypeWithName(Object.class)));
    }

    /** Remembers the instances bound now, so that they are stopped too if a later step replaces them. */
    void observe() {
        seen.addAll(registry.findByTypeWithName(Object.class).values());
    }

    /** Puts the previous instances back and stops the ones bound since. */
    void rollBack() {
        observe();
        before.forEach((name, previous) -> {
            if (registry.lookupByName(name) != previous) {
                registry.unbind(name);
                registry.bind(name, previous);
            }
        });
        retireReplaced();
    }

    /** Stops every instance seen during the reload that is no longer bound. */
    void retireReplaced() {
        observe();
        Set<Object> bound = Collections.newSetFromMap(new IdentityHashMap<>());
        bound.addAll(registry.findByTypeWithName(Object.class).values());
        for (Object bean : seen) {
            if (bean instanceof Service service && !bound.contains(bean)) {
                try {
                    ServiceHelper.stopAndShutdownService(service);
                } catch (Exception e) {
                    LOG.warn("Replaced bean {} did not stop cleanly: {}", bean.getClass().getName(), e.toString());
                }
            }
        }
    }
}
