package io.agentwatch.respond;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.trust.TrustedKeys;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * What a credential broker checks before acting on a revoke command: signed, by a trusted key,
 * unaltered, not expired, and not seen before (neither its nonce nor its command id: a command
 * re-signed after a restart keeps its id). Only a command that passes every check is
 * remembered, so a forged command cannot burn the id of a real one that is still to come
 * (command ids are predictable hashes). Memory is bounded by time: an entry is dropped once
 * its command has expired, after which the expiry check refuses a copy anyway.
 *
 * <p>Not thread-safe: one broker loop calls it.
 */
public final class CommandVerifier {
    /** The outcome; {@code reason} is a short code for logs and metrics, {@code detail} a sentence. */
    public record Verdict(boolean accepted, String reason, String detail) {
        static Verdict accept() {
            return new Verdict(true, "accepted", "signature valid");
        }

        static Verdict refuse(String reason, String detail) {
            return new Verdict(false, reason, detail);
        }
    }

    private final TrustedKeys keys;
    private final Clock clock;
    /** nonce or command id → expires_at (ms) of the command that used it. */
    private final Map<String, Long> seen = new HashMap<>();

    public CommandVerifier(TrustedKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public Verdict verify(RevokeCommand c) {
        if (c.getSignature() == null) {
            return Verdict.refuse("unsigned", "command " + c.getCommandId() + " carries no signature");
        }
        switch (keys.check(c.getKeyId(), CommandSigner.signedBytes(c), c.getSignature())) {
            case UNKNOWN_KEY:
                return Verdict.refuse("unknown-key", "command " + c.getCommandId() + " is signed by key '"
                        + c.getKeyId() + "', which is not among the trusted keys " + keys.keyIds());
            case BAD_SIGNATURE:
                return Verdict.refuse("bad-signature", "the signature of command " + c.getCommandId()
                        + " does not match its content: altered after signing, or forged");
            default:
                break;
        }
        long now = clock.millis();
        seen.values().removeIf(expiry -> expiry < now);
        long expires = c.getExpiresAt().toEpochMilli();
        if (expires < now) {
            return Verdict.refuse("expired", "command " + c.getCommandId() + " expired at " + c.getExpiresAt());
        }
        String nonceKey = "nonce:" + c.getNonce();
        String idKey = "command:" + c.getCommandId();
        if (c.getNonce() == null || seen.containsKey(nonceKey) || seen.containsKey(idKey)) {
            return Verdict.refuse("replayed", "command " + c.getCommandId() + " (nonce " + c.getNonce()
                    + ") was accepted before");
        }
        seen.put(nonceKey, expires);
        seen.put(idKey, expires);
        return Verdict.accept();
    }
}
