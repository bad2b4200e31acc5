package io.agentwatch.trust;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 signatures (RFC 8032) with the JDK's own provider, and key ids. A key id is the
 * RFC 7638 JWK thumbprint of the public key: derived, never configured, so a key id and the
 * key it names cannot disagree, and any JOSE library computes the same id.
 */
public final class Ed25519 {
    private static final String ALGORITHM = "Ed25519";
    /** An X.509 SubjectPublicKeyInfo of Ed25519 is a fixed 12-byte header and the 32-byte key. */
    private static final int SPKI_HEADER = 12;
    private static final int KEY_BYTES = 32;

    private Ed25519() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of the Java platform since Java 15", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** False for a wrong or malformed signature; never throws for what an attacker sends. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (SignatureException e) {
            return false;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification failed", e);
        }
    }

    /** The 32 bytes of the public key (the JWK's {@code x}). */
    public static byte[] raw(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (!ALGORITHM.equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())
                || spki.length != SPKI_HEADER + KEY_BYTES) {
            throw new IllegalArgumentException("not an Ed25519 public key (" + key.getAlgorithm() + ", "
                    + spki.length + " bytes encoded)");
        }
        return Arrays.copyOfRange(spki, SPKI_HEADER, spki.length);
    }

    /**
     * RFC 7638 thumbprint: SHA-256 of the canonical JSON of the required JWK members
     * {@code {"crv":"Ed25519","kty":"OKP","x":...}} (RFC 8037), base64url without padding.
     */
    public static String keyId(PublicKey key) {
        ObjectNode jwk = JsonNodeFactory.instance.objectNode()
                .put("crv", ALGORITHM)
                .put("kty", "OKP")
                .put("x", base64url(raw(key)));
        try {
            return base64url(MessageDigest.getInstance("SHA-256").digest(CanonicalJson.bytes(jwk)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    public static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Decodes base64url, padded or not; null for text that is not base64url. */
    public static byte[] fromBase64url(String text) {
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
