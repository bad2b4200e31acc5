package io.agentwatch.detect;

import io.agentwatch.model.Call;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deterministic checks of a call against the credential it presents; they need no learning
 * and act from the first event: unknown, expired, revoked or foreign token, a scope the token
 * does not grant, a boundary it does not allow, a token whose revocation agentwatch already
 * ordered, and repeated DENIED outcomes (probing).
 */
public final class CredentialDetector {
    private final DetectionSettings settings;

    public CredentialDetector(DetectionSettings settings) {
        this.settings = settings;
    }

    /**
     * @param own the token from this agent's store, or null when the agent was never issued it
     */
    public List<Detection> inspect(Call call, TokenState own, TokenDirectory directory, SessionState session) {
        List<Detection> out = new ArrayList<>();
        if (call.outcome() == Outcome.DENIED) {
            probing(call, session).ifPresent(out::add);
            return out;
        }
        if (call.tokenId() == null) {
            return out;
        }
        if (own == null) {
            unknownOrForeign(call, directory).ifPresent(out::add);
            return once(out, session, call.tokenId());
        }
        if (own.isRevoked() && own.revokedAt() <= call.time()) {
            out.add(Detection.of(Detection.CREDENTIAL, "token.revoked", Severity.CRITICAL, 90)
                    .summary(call.agentId() + " called " + call.tool() + " with token " + own.tokenId()
                            + " revoked at " + Instant.ofEpochMilli(own.revokedAt())
                            + (own.revokeReason() == null ? "" : " (" + own.revokeReason() + ")"))
                    .revoke(RevokeScope.SESSION).call(call).build());
        } else if (own.isExpiredAt(call.time(), settings.expiryLeewayMs())) {
            out.add(Detection.of(Detection.CREDENTIAL, "token.expired", Severity.HIGH, 70)
                    .summary(call.agentId() + " called " + call.tool() + " with token " + own.tokenId()
                            + " expired at " + Instant.ofEpochMilli(own.expiresAt()))
                    .revoke(RevokeScope.SESSION).call(call).build());
        } else if (own.awaitingConfirmation()) {
            boolean overdue = call.time() - own.commandAt() > settings.confirmTimeoutMs();
            out.add(Detection.of(Detection.CREDENTIAL, "token.revocation_ordered",
                            overdue ? Severity.HIGH : Severity.MEDIUM, overdue ? 60 : 20)
                    .summary(call.agentId() + " still uses token " + own.tokenId()
                            + " whose revocation agentwatch ordered (command " + own.commandId() + ")"
                            + (overdue ? " and the credential broker has not confirmed" : ""))
                    .revoke(RevokeScope.TOKEN).call(call).build());
        }
        if (call.requiredScope() != null && !own.grants(call.requiredScope())) {
            out.add(Detection.of(Detection.CREDENTIAL, "scope.not_granted", Severity.HIGH, 70)
                    .summary(call.agentId() + " called " + call.tool() + " needing scope " + call.requiredScope()
                            + " that token " + own.tokenId() + " does not grant " + own.scopes())
                    .revoke(RevokeScope.TOKEN).call(call).scopes(own.scopes())
                    .observe(violation("scope", call.requiredScope())).build());
        }
        if (call.boundary() != null && !own.allowsBoundary(call.boundary())) {
            out.add(Detection.of(Detection.CREDENTIAL, "boundary.not_allowed", Severity.HIGH, 70)
                    .summary(call.agentId() + " called " + call.tool() + " into boundary " + call.boundary()
                            + " that token " + own.tokenId() + " does not allow " + own.boundaries())
                    .revoke(RevokeScope.TOKEN).call(call)
                    .observe(violation("boundary", call.boundary())).build());
        }
        return once(out, session, call.tokenId());
    }

    /**
     * One finding per rule, token and violated value per session: the first misuse is the
     * news (and triggers the revoke); repeating it on every later call only buries it.
     */
    private static List<Detection> once(List<Detection> found, SessionState session, String tokenId) {
        List<Detection> out = new ArrayList<>();
        for (Detection d : found) {
            String value = d.observations().isEmpty() ? "" : d.observations().get(0).getValue();
            if (session.raiseOnce(d.rule() + ":" + d.severity() + ":" + tokenId + ":" + value)) {
                out.add(d);
            }
        }
        return out;
    }

    private Optional<Detection> unknownOrForeign(Call call, TokenDirectory directory) {
        Optional<TokenState> indexed = directory.lookup(call.tokenId());
        if (indexed.isPresent() && !indexed.get().agentId().equals(call.agentId())) {
            TokenState t = indexed.get();
            return Optional.of(Detection.of(Detection.CREDENTIAL, "token.foreign", Severity.CRITICAL, 95)
                    .summary(call.agentId() + " presented token " + t.tokenId() + " issued to " + t.agentId()
                            + " (credential theft or replay)")
                    .revoke(RevokeScope.AGENT).call(call).scopes(t.scopes())
                    .observe(violation("token", t.tokenId()))
                    .note(TokenDirectory.LAG_NOTE).build());
        }
        if (indexed.isPresent()) {
            return Optional.empty(); // issued to this agent; the local store has not seen it yet
        }
        return Optional.of(Detection.of(Detection.CREDENTIAL, "token.unknown", Severity.HIGH, 70)
                .summary(call.agentId() + " called " + call.tool() + " with token " + call.tokenId()
                        + " that no issuance event announced")
                .revoke(RevokeScope.SESSION).call(call)
                .observe(violation("token", call.tokenId()))
                .note(TokenDirectory.LAG_NOTE).build());
    }

    private Optional<Detection> probing(Call call, SessionState session) {
        session.recordDenied(call.time(), settings.deniedWindowMs());
        if (session.deniedInWindow() < settings.deniedLimit() || !session.raiseOnce("probing.denied")) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.CREDENTIAL, "probing.denied", Severity.HIGH, 60)
                .summary(call.agentId() + " had " + session.deniedInWindow() + " calls DENIED within "
                        + settings.deniedWindowMs() / 60_000 + " min in session " + call.sessionId()
                        + ", latest " + call.tool() + " (probing for access)")
                .revoke(RevokeScope.SESSION).call(call).build());
    }

    static Observation violation(String grain, String value) {
        return Observation.newBuilder().setGrain(grain).setValue(value).setVerdict("VIOLATION").build();
    }
}
