package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.TokenState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deterministic checks of a call against the credential it presents; they need no learning
 * and act from the first event: unknown, expired, revoked or foreign token, a scope the token
 * does not grant, a boundary it does not allow, a token whose revocation agentwatch already
 * ordered, and repeated refused calls (probing).
 *
 * <p>Refused calls (DENIED) are judged too: the gateway stopped the call, but the attempt shows
 * what the session is trying to do. An attempt at a scope or boundary the token lacks is HIGH
 * when the session had read sensitive data or taken in untrusted input before it (a hijacked
 * session reaching for more), MEDIUM otherwise (a misconfigured agent is the likelier story).
 */
public final class CredentialDetector implements Detector {

    @Override
    public List<Detection> inspect(CallContext ctx) {
        Call call = ctx.call();
        List<Detection> out = new ArrayList<>();
        probing(ctx).ifPresent(out::add);
        if (call.tokenId() == null) {
            return out;
        }
        TokenState own = ctx.token();
        if (own == null) {
            unknownOrForeign(ctx).ifPresent(out::add);
            return out;
        }
        long leeway = ctx.settings().expiryLeewayMs();
        if (own.isRevoked() && own.revokedAt() <= call.time()) {
            out.add(Detection.of(Detection.CREDENTIAL, "token.revoked", Severity.CRITICAL, 90)
                    .summary(call.agentId() + " called " + call.tool() + " with token " + own.tokenId()
                            + " revoked at " + Instant.ofEpochMilli(own.revokedAt())
                            + (own.revokeReason() == null ? "" : " (" + own.revokeReason() + ")") + attempt(call))
                    .revoke(RevokeScope.SESSION).key("token.revoked:" + own.tokenId()).call(call).build());
        } else if (own.isExpiredAt(call.time(), leeway)) {
            out.add(Detection.of(Detection.CREDENTIAL, "token.expired", Severity.HIGH, 70)
                    .summary(call.agentId() + " called " + call.tool() + " with token " + own.tokenId()
                            + " expired at " + Instant.ofEpochMilli(own.expiresAt()) + attempt(call))
                    .revoke(RevokeScope.SESSION).key("token.expired:" + own.tokenId()).call(call).build());
        } else if (own.awaitingConfirmation()) {
            boolean overdue = call.time() - own.commandAt() > ctx.settings().confirmTimeoutMs();
            out.add(Detection.of(Detection.CREDENTIAL, "token.revocation_ordered",
                            overdue ? Severity.HIGH : Severity.MEDIUM, overdue ? 60 : 20)
                    .summary(call.agentId() + " still uses token " + own.tokenId()
                            + " whose revocation agentwatch ordered (command " + own.commandId() + ")"
                            + (overdue ? " and the credential broker has not confirmed" : ""))
                    .revoke(RevokeScope.TOKEN).key("token.revocation_ordered:" + overdue + ":" + own.tokenId())
                    .call(call).build());
        }
        boolean hijackContext = hijackContext(ctx.activity());
        if (call.requiredScope() != null && !own.grants(call.requiredScope())) {
            out.add(violation(call, hijackContext, "scope.not_granted", "scope", call.requiredScope(),
                    call.agentId() + " called " + call.tool() + " needing scope " + call.requiredScope()
                            + " that token " + own.tokenId() + " does not grant " + own.scopes())
                    .scopes(own.scopes()).build());
        }
        if (call.boundary() != null && !own.allowsBoundary(call.boundary())) {
            out.add(violation(call, hijackContext, "boundary.not_allowed", "boundary", call.boundary(),
                    call.agentId() + " called " + call.tool() + " into boundary " + call.boundary()
                            + " that token " + own.tokenId() + " does not allow " + own.boundaries()).build());
        }
        return out;
    }

    /**
     * A call beyond what the token grants. Done (the gateway let it through): HIGH, revoke the
     * token. Attempted (DENIED): HIGH and the session after a sensitive read or untrusted input,
     * otherwise MEDIUM.
     */
    private static Detection.Builder violation(Call call, boolean hijackContext, String rule, String grain,
                                               String value, String summary) {
        boolean attempted = call.outcome() == Outcome.DENIED;
        Severity severity = attempted && !hijackContext ? Severity.MEDIUM : Severity.HIGH;
        RevokeScope scope = attempted && hijackContext ? RevokeScope.SESSION : RevokeScope.TOKEN;
        Detection.Builder b = Detection.of(Detection.CREDENTIAL, rule, severity, severity == Severity.HIGH ? 70 : 25)
                .summary(summary + attempt(call)
                        + (attempted && hijackContext ? ", after the session read sensitive data or took in untrusted input" : ""))
                .revoke(scope).key(rule + ":" + call.tokenId() + ":" + value).call(call)
                .observe(observation(grain, value));
        if (attempted) {
            b.note("the gateway refused the call; the attempt is the evidence");
        }
        return b;
    }

    private static boolean hijackContext(SessionActivity a) {
        return !a.sensitiveReads().isEmpty() || a.untrustedInputEventId() != null;
    }

    private static String attempt(Call call) {
        return call.outcome() == Outcome.DENIED ? " (attempt, refused by the gateway)" : "";
    }

    private Optional<Detection> unknownOrForeign(CallContext ctx) {
        Call call = ctx.call();
        Optional<TokenState> indexed = ctx.directory().lookup(call.tokenId());
        if (indexed.isPresent() && !indexed.get().agentId().equals(call.agentId())) {
            TokenState t = indexed.get();
            return Optional.of(Detection.of(Detection.CREDENTIAL, "token.foreign", Severity.CRITICAL, 95)
                    .summary(call.agentId() + " presented token " + t.tokenId() + " issued to " + t.agentId()
                            + " (credential theft or replay)" + attempt(call))
                    .revoke(RevokeScope.SESSION).key("token.foreign:" + t.tokenId()).call(call).scopes(t.scopes())
                    .otherAgentsToken(t.tokenId())
                    .observe(observation("token", t.tokenId()))
                    .note(TokenDirectory.LAG_NOTE).build());
        }
        if (indexed.isPresent()) {
            return Optional.empty(); // issued to this agent; the local store has not seen it yet
        }
        return Optional.of(Detection.of(Detection.CREDENTIAL, "token.unknown", Severity.HIGH, 70)
                .summary(call.agentId() + " called " + call.tool() + " with token " + call.tokenId()
                        + " that no issuance event announced" + attempt(call))
                .revoke(RevokeScope.SESSION).key("token.unknown:" + call.tokenId()).call(call)
                .observe(observation("token", call.tokenId()))
                .note(TokenDirectory.LAG_NOTE).build());
    }

    /** Refused calls in one session within the probing window, this one included. */
    private Optional<Detection> probing(CallContext ctx) {
        Call call = ctx.call();
        if (call.outcome() != Outcome.DENIED) {
            return Optional.empty();
        }
        DetectionSettings s = ctx.settings();
        int denied = ctx.activity().deniedSince(call.time() - s.deniedWindowMs()) + 1;
        if (denied < s.deniedLimit()) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.CREDENTIAL, "probing.denied", Severity.HIGH, 60)
                .summary(call.agentId() + " had " + denied + " calls DENIED within "
                        + s.deniedWindowMs() / 60_000 + " min in session " + call.sessionId()
                        + ", latest " + call.tool() + " (probing for access)")
                .revoke(RevokeScope.SESSION).key("probing.denied").call(call).build());
    }

    static Observation observation(String grain, String value) {
        return Observation.newBuilder().setGrain(grain).setValue(value).setVerdict("VIOLATION").build();
    }
}
