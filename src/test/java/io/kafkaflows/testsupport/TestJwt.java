package io.kafkaflows.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stand-in identity provider: an RSA key pair whose public key it writes as PEM, and RS256 tokens signed with
 * plain JDK crypto (not the Vert.x code under test), so a test can mint valid, expired, forged or mis-addressed
 * tokens.
 */
public final class TestJwt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KeyPair keys;

    private TestJwt(KeyPair keys) {
        this.keys = keys;
    }

    public static TestJwt newIssuer() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TestJwt(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public key as a PEM file (what flows.http.auth.jwt.public-key-file takes). */
    public Path writePublicKey(Path file) {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token for {@code subject} with these roles, issuer, audience, expiring at {@code expires} (null: no exp). */
    public String token(String subject, List<String> roles, String issuer, String audience, Instant expires) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("iat", Instant.now().getEpochSecond() - 60);
        if (expires != null) {
            claims.put("exp", expires.getEpochSecond());
        }
        claims.put("roles", roles);
        return sign(claims);
    }

    public String sign(Map<String, Object> claims) {
        try {
            String header = base64(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT")));
            String payload = base64(JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + base64(rsa.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
