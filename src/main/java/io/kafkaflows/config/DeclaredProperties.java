package io.kafkaflows.config;

import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The {@code flows.topics.*}, {@code flows.acls.*} and {@code flows.http.*} style declarations under a prefix, as Camel resolves them: keys
 * from the properties files, the overrides and -D (Camel's loadProperties leaves system properties out), values
 * resolved like any other property (-D and environment overrides, {{placeholders}}).
 */
public final class DeclaredProperties {

    private DeclaredProperties() {
    }

    public static Properties resolved(PropertiesComponent pc, String prefix) {
        Set<String> keys = new TreeSet<>(pc.loadProperties(k -> k.startsWith(prefix)).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(keys::add);
        Properties resolved = new Properties();
        keys.forEach(k -> pc.resolveProperty(k).ifPresent(v -> resolved.setProperty(k, v)));
        return resolved;
    }
}
