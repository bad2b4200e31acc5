package io.agentwatch.trust;

import java.security.PrivateKey;
import java.security.PublicKey;

/** An Ed25519 private key with its public key and key id ({@link Ed25519#keyId}). */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey, String keyId) {

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
