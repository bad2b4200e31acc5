package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.state.CredentialState;
import io.agentwatch.state.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Does a credential outlive its task? Least privilege is short-lived, task-scoped tokens; these
 * checks report where the broker or the agent falls short of it. They are hygiene, not attacks:
 * LOW or MEDIUM, and never a revoke on their own (their scores add to the session's risk like any
 * finding's).
 * <ul>
 * <li>{@code token.ttl_exceeded} (LOW, when issued): a lifetime longer than its tier allows
 * ({@link TokenTiers});</li>
 * <li>{@code token.cross_session} (MEDIUM, at a call): a token issued for one session presented in
 * another;</li>
 * <li>{@code token.after_session} (MEDIUM, at a call): a token presented after its task ended (its
 * session closed: no call for the idle timeout) while the token stayed valid;</li>
 * <li>{@code token.standing} (LOW, when a session ends): the task's last call is long past and its
 * token is still valid: standing exposure the broker should have ended with the task;</li>
 * <li>{@code scope.unused} (LOW, periodically per agent): scopes granted to many clean sessions in
 * a row that no call needed, so the broker can narrow them.</li>
 * </ul>
 */
public final class CredentialHygiene {

    /** A token as issued: does it live longer than its tier allows? */
    public Optional<Detection> lifetime(TokenState t, TokenTiers tiers) {
        TokenTiers.Tier tier = tiers.tierOf(t.scopes());
        long lifetime = t.expiresAt() - t.issuedAt();
        long max = tiers.maxLifetimeMs(tier);
        if (lifetime <= max) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.HYGIENE, "token.ttl_exceeded", Severity.LOW, 5)
                .summary(t.agentId() + " was issued token " + t.tokenId() + " valid for " + human(lifetime)
                        + " (until " + Instant.ofEpochMilli(t.expiresAt()) + "), longer than the " + human(max)
                        + " its " + tier + " tier allows" + (t.scopes() == null ? " (it does not restrict scopes)" : ""))
                .revoke(RevokeScope.TOKEN).token(t.tokenId()).scopes(t.scopes())
                .key("token.ttl_exceeded:" + t.tokenId())
                .observe(Observation.newBuilder().setGrain("token_lifetime_s").setValue(Long.toString(lifetime / 1000))
                        .setVerdict("HIGH").setTotal(max / 1000.0).build())
                .build());
    }

    /** A call: is its token used outside the task it was issued for? */
    public List<Detection> inspect(CallContext ctx, CredentialState credentials) {
        Call call = ctx.call();
        TokenState own = ctx.token();
        List<Detection> out = new ArrayList<>();
        if (own == null || own.isEndedAt(call.time())) {
            return out; // no token of its own, or one already ended: the credential checks speak
        }
        if (own.sessionId() != null && !own.sessionId().equals(call.sessionId())) {
            out.add(Detection.of(Detection.HYGIENE, "token.cross_session", Severity.MEDIUM, 20)
                    .summary(call.agentId() + " presented token " + own.tokenId() + ", issued for session "
                            + own.sessionId() + ", in session " + call.sessionId() + " (" + call.tool() + ")")
                    .revoke(RevokeScope.TOKEN).key("token.cross_session:" + own.tokenId()).call(call)
                    .note("issued for: " + own.purpose())
                    .build());
        }
        CredentialState.EndedTask ended = credentials.endedTask(own.tokenId());
        if (ended != null && call.time() > ended.endedAt()) {
            out.add(Detection.of(Detection.HYGIENE, "token.after_session", Severity.MEDIUM, 20)
                    .summary(call.agentId() + " presented token " + own.tokenId() + " with " + call.tool() + " "
                            + human(call.time() - ended.endedAt()) + " after its task ended ("
                            + Instant.ofEpochMilli(ended.endedAt()) + ", no call for the idle timeout)")
                    .revoke(RevokeScope.TOKEN).key("token.after_session:" + own.tokenId()).call(call)
                    .build());
        }
        return out;
    }

    /** A session ended at {@code now}, its last call at {@code lastCall}: is its token still valid? */
    public Optional<Detection> standing(TokenState t, long lastCall, long now) {
        if (t.isEndedAt(now)) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.HYGIENE, "token.standing", Severity.LOW, 5)
                .summary("token " + t.tokenId() + " of " + t.agentId() + " is still valid " + human(now - lastCall)
                        + " after the last call of its task, for " + human(t.expiresAt() - now)
                        + " more: revoke tokens when their task ends")
                .revoke(RevokeScope.TOKEN).token(t.tokenId()).scopes(t.scopes()).key("token.standing:" + t.tokenId())
                .build());
    }

    /** The agent's over-provisioned scopes, with the clean sessions in a row that did not need each. */
    public Detection unusedScopes(String agentId, Map<String, Integer> unused, int sessions) {
        Detection.Builder b = Detection.of(Detection.HYGIENE, "scope.unused", Severity.LOW, 0)
                .summary(agentId + " was granted " + unused.keySet() + " in at least " + sessions
                        + " clean sessions in a row without a call needing them: narrow its tokens")
                .revoke(RevokeScope.AGENT).scopes(List.copyOf(unused.keySet()));
        unused.forEach((scope, run) -> b.observe(Observation.newBuilder().setGrain("scope").setValue(scope)
                .setVerdict("UNUSED").setCount(0).setTotal(run).build()));
        return b.build();
    }

    private static String human(long ms) {
        Duration d = Duration.ofMillis(Math.max(0, ms));
        if (d.toHours() >= 1) {
            long minutes = d.toMinutesPart();
            return d.toHours() + " h" + (minutes == 0 ? "" : " " + minutes + " min");
        }
        if (d.toMinutes() >= 1) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
