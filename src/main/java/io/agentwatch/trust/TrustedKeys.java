package io.agentwatch.trust;

import java.security.PublicKey;
import java.util.Map;
import java.util.Set;

/** The public keys a verifier accepts signatures from, by key id (several during a key rotation). */
public final class TrustedKeys {
    /** What checking a signature found. */
    public enum Check { VALID, UNKNOWN_KEY, BAD_SIGNATURE }

    private final Map<String, PublicKey> byId;

    public TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    /**
     * @param signature base64url (padded or not), as it travels in headers and JSON
     */
    public Check check(String keyId, byte[] message, String signature) {
        PublicKey key = keyId == null ? null : byId.get(keyId);
        if (key == null) {
            return Check.UNKNOWN_KEY;
        }
        byte[] sig = signature == null ? null : Ed25519.fromBase64url(signature);
        return sig != null && Ed25519.verify(key, message, sig) ? Check.VALID : Check.BAD_SIGNATURE;
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }
}
