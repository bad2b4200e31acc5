package io.agentwatch.trust;

import java.security.PrivateKey;
import java.security.PublicKey;

/** An Ed25519 private key with its public key and key id ({@link Ed25519#keyId}). */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey, String keyId) {

    /** A new key pair held in memory only (tests, or a signer that never needs the key again). */
    public static SigningKey generate() {
        java.security.KeyPair pair = Ed25519.generate();
        return new SigningKey(pair.getPrivate(), pair.getPublic(), Ed25519.keyId(pair.getPublic()));
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    /** Only the public half, for a verifier in the same process (the demo's credential broker). */
    public TrustedKeys asTrusted() {
        return new TrustedKeys(java.util.Map.of(keyId, publicKey));
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + "]"; // never the key itself in a log line
    }
}
