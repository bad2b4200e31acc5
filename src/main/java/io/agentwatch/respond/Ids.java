package io.agentwatch.respond;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic ids. Finding and command ids are hashes of what identifies
 * them, so replaying the same input yields the same ids and the broker can de-duplicate.
 */
public final class Ids {
    private Ids() {
    }

    /** "f-" or "rc-" + the first 24 hex digits of SHA-256 over the parts joined by '|'. */
    public static String hash(String prefix, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
