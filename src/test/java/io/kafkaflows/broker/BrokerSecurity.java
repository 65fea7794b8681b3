package io.kafkaflows.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A secured broker for {@link TestBrokerLauncher#secured}: a SASL_SSL client listener (SCRAM-SHA-512 and -256, mutual TLS
 * with a self-signed certificate made by {@code keytool}), the controller listener on SASL_PLAINTEXT/PLAIN on
 * loopback, SCRAM users added at format time ({@code --add-scram}), and {@code StandardAuthorizer} with
 * {@code allow.everyone.if.no.acl.found=false} and {@code User:admin} as the only super user.
 * The key material lives under {@code dir}; {@link #clientProperties} gives a client everything it needs.
 */
public final class BrokerSecurity {

    public static final String ADMIN = "admin";
    public static final String LISTENER = "SASL_SSL";

    private final Path dir;
    private final String storePassword;
    private final Map<String, String> users;

    private BrokerSecurity(Path dir, String storePassword, Map<String, String> users) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.users = users;
    }

    /**
     * Makes the certificates under {@code dir} (kept if already there) and remembers the SCRAM users: {@code admin}
     * (super user) plus the given ones, name -> password. Passwords must not contain quotes or commas.
     */
    public static BrokerSecurity selfSigned(Path dir, String adminPassword, Map<String, String> users) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(ADMIN, adminPassword);
        all.putAll(users);
        BrokerSecurity security = new BrokerSecurity(dir.toAbsolutePath(), "store-" + UUID.randomUUID(), all);
        security.makeStores();
        return security;
    }

    /** Password of a SCRAM user (the admin's included). */
    public String password(String user) {
        String password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no SCRAM user " + user);
        }
        return password;
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** The broker's key and certificate (CN=localhost, SAN localhost and 127.0.0.1); other TLS servers may use it too. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    /** A client key and certificate (CN=kafka-flows-client) that {@link #truststore()} trusts. */
    public Path clientKeystore() {
        return dir.resolve("client.p12");
    }

    /** A truststore holding an unrelated certificate: a client using it cannot trust the broker. */
    public Path untrustedTruststore() {
        return dir.resolve("untrusted-truststore.p12");
    }

    public String storePassword() {
        return storePassword;
    }

    /** Kafka client settings for a SCRAM-SHA-512 user over mutual TLS. */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", scramJaas(user, password));
        props.put("ssl.truststore.location", truststore().toString());
        props.put("ssl.truststore.password", storePassword);
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.keystore.location", clientKeystore().toString());
        props.put("ssl.keystore.password", storePassword);
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.key.password", storePassword);
        return props;
    }

    /** Broker settings for the listeners, TLS, SASL and the authorizer. */
    Map<String, String> serverProperties(int port, int controllerPort) {
        String admin = password(ADMIN);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("listeners", LISTENER + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", LISTENER + "://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", LISTENER);
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256");
        props.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, admin));
        props.put("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", scramJaas(ADMIN, admin));
        // SCRAM credentials live in the metadata log, which the controller serves: the controller listener uses PLAIN
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + admin + "\" user_" + ADMIN + "=\"" + admin + "\";");
        props.put("ssl.keystore.location", serverKeystore().toString());
        props.put("ssl.keystore.password", storePassword);
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.key.password", storePassword);
        props.put("ssl.truststore.location", truststore().toString());
        props.put("ssl.truststore.password", storePassword);
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.client.auth", "required");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN);
        props.put("allow.everyone.if.no.acl.found", "false");
        return props;
    }

    /** StorageTool arguments adding every user's SCRAM-SHA-512 and -256 credentials to the metadata log. */
    List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        users.forEach((user, password) -> {
            for (String mechanism : List.of("SCRAM-SHA-512", "SCRAM-SHA-256")) {
                args.add("--add-scram");
                args.add(mechanism + "=[name=" + user + ",password=" + password + "]");
            }
        });
        return args;
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private void makeStores() {
        try {
            Files.createDirectories(dir);
            if (Files.exists(truststore())) {
                throw new IllegalStateException("key material already in " + dir + " (made by another run)");
            }
            keypair("server", "CN=localhost", serverKeystore());
            keypair("client", "CN=kafka-flows-client", clientKeystore());
            trust("server", serverKeystore(), truststore());
            trust("client", clientKeystore(), truststore());
            Path other = dir.resolve("other.p12");
            keypair("other", "CN=localhost", other);
            trust("other", other, untrustedTruststore());
        } catch (IOException e) {
            throw new UncheckedIOException("could not make TLS key material in " + dir, e);
        }
    }

    private void keypair(String alias, String dname, Path keystore) {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", dname, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", storePassword, "-keypass", storePassword);
    }

    private void trust(String alias, Path keystore, Path truststore) {
        Path cert = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-storepass", storePassword,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", storePassword);
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
