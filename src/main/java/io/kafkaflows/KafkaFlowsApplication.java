package io.kafkaflows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.kafkaflows.admin.AclDeclarationsMainListener;
import io.kafkaflows.admin.SharedAdminMainListener;
import io.kafkaflows.admin.TopicDeclarationsMainListener;
import io.kafkaflows.broker.LocalBrokerMainListener;
import io.kafkaflows.config.ConfigurationRefusedException;
import io.kafkaflows.http.FormPostAsJsonMainListener;
import io.kafkaflows.http.HttpPortsMainListener;
import io.kafkaflows.http.security.ApiSecurityMainListener;
import io.kafkaflows.reload.ReloadMainListener;
import io.kafkaflows.tracing.TracingMainListener;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/**
 * kafka-flows: Kafka patterns as Camel routes, run with Camel Main.
 * Reads application.properties (+ application-{profile}.properties), from the working directory first and the
 * copy packaged in the jar second; loads routes/*.camel.yaml (and routes/*.java) the same way; starts a local broker when
 * camel.component.kafka.brokers is unset. Serves the HTTP API on camel.server.port, metrics and health on
 * camel.management.port.
 */
public final class KafkaFlowsApplication {

    private KafkaFlowsApplication() {
    }

    public static void main(String[] args) throws Exception {
        try {
            create(new Properties()).run(args);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigurationRefusedException refused) {
                    LoggerFactory.getLogger(KafkaFlowsApplication.class).error("Not started: {}", refused.getMessage());
                    System.exit(1);
                }
            }
            throw e;
        }
    }

    /** A configured, not yet started Camel Main; {@code overrides} win over every properties file. */
    public static Main create(Properties overrides) {
        Main main = new Main(KafkaFlowsApplication.class);
        main.setPropertyPlaceholderLocations(propertyLocations(profile(overrides)));
        main.setOverrideProperties(overrides);
        if (!overrides.containsKey("camel.main.routes-include-pattern")
                && lookupSysOrEnv("camel.main.routes-include-pattern") == null) {
            main.addInitialProperty("camel.main.routes-include-pattern", routesLocation());
        }
        main.addMainListener(new HttpPortsMainListener());
        main.addMainListener(new ApiSecurityMainListener());
        main.addMainListener(new LocalBrokerMainListener());
        main.addMainListener(new SharedAdminMainListener());
        main.addMainListener(new TopicDeclarationsMainListener());
        main.addMainListener(new AclDeclarationsMainListener());
        main.addMainListener(new FormPostAsJsonMainListener());
        main.addMainListener(new ReloadMainListener());
        main.addMainListener(new TracingMainListener());
        return main;
    }

    /** Earlier locations win in Camel's properties component: profile before base, working dir before jar. */
    static String propertyLocations(String profile) {
        List<String> locations = new ArrayList<>();
        if (profile != null && !profile.isBlank()) {
            locations.add("file:application-" + profile + ".properties;optional=true");
            locations.add("classpath:application-" + profile + ".properties;optional=true");
        }
        locations.add("file:application.properties;optional=true");
        locations.add("classpath:application.properties;optional=true");
        return String.join(",", locations);
    }

    /**
     * Routes are read from ./routes when the app runs from the repo (YAML, and Java RouteBuilder sources compiled at
     * run time), else from the copy inside the jar.
     */
    static String routesLocation() {
        return Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml,file:routes/*.java" : "classpath:routes/*.camel.yaml";
    }

    private static String profile(Properties overrides) {
        String profile = overrides.getProperty("camel.main.profile");
        if (profile == null) {
            profile = lookupSysOrEnv("camel.main.profile");
        }
        if (profile == null) {
            profile = fileProperty("camel.main.profile");
        }
        return profile;
    }

    private static String lookupSysOrEnv(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            value = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return value;
    }

    private static String fileProperty(String key) {
        Properties props = new Properties();
        try {
            Path file = Path.of("application.properties");
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    props.load(in);
                }
            } else {
                try (InputStream in = KafkaFlowsApplication.class.getClassLoader().getResourceAsStream("application.properties")) {
                    if (in != null) {
                        props.load(in);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read application.properties", e);
        }
        return props.getProperty(key);
    }
}
