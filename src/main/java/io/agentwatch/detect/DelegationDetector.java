package io.agentwatch.detect;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.state.TokenState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges a token issued through delegation (its actor chain names a delegator) when it is
 * issued, before the delegate can use it: a delegate must not receive scopes or boundaries
 * its delegator's token does not have, and the delegator's token must be valid. The one check
 * that is not about a call, so it has its own signature. A delegator that hands out broader
 * rights than it holds was steered into it: its own token is named for revocation too.
 */
public final class DelegationDetector {

    public Optional<Detection> inspect(TokenState issued, TokenDirectory directory, long now) {
        if (issued.actorChain().isEmpty()) {
            return Optional.empty();
        }
        TokenState.Delegator nearest = issued.actorChain().get(0);
        if (nearest.tokenId() == null) {
            return Optional.empty();
        }
        Optional<TokenState> delegatorToken = directory.lookup(nearest.tokenId());
        if (delegatorToken.isEmpty()) {
            return Optional.empty(); // cannot compare; the index may lag, and an unknown token is judged when used
        }
        TokenState parent = delegatorToken.get();
        if (parent.isEndedAt(now)) {
            return Optional.of(base("delegation.invalid_delegator", Severity.HIGH, 70, issued, nearest)
                    .summary(issued.agentId() + " received token " + issued.tokenId() + " delegated by "
                            + nearest.sub() + " through token " + parent.tokenId() + ", which is revoked or expired")
                    .build());
        }
        List<String> broaderScopes = broader(issued.scopes(), parent);
        List<String> broaderBoundaries = broaderBoundaries(issued.boundaries(), parent.boundaries());
        if (broaderScopes.isEmpty() && broaderBoundaries.isEmpty()) {
            return Optional.empty();
        }
        Detection.Builder b = base("delegation.escalation", Severity.HIGH, 80, issued, nearest)
                .summary(nearest.sub() + " delegated to " + issued.agentId() + " a token (" + issued.tokenId()
                        + ") broader than its own (" + parent.tokenId() + "): "
                        + (broaderScopes.isEmpty() ? "" : "scopes " + broaderScopes + " ")
                        + (broaderBoundaries.isEmpty() ? "" : "boundaries " + broaderBoundaries))
                .token(parent.tokenId());
        if (!parent.agentId().equals(issued.agentId())) {
            b.otherAgentsToken(parent.tokenId());
        }
        broaderScopes.forEach(s -> b.scope(s).observe(CredentialDetector.observation("scope", s)));
        broaderBoundaries.forEach(x -> b.boundary(x).observe(CredentialDetector.observation("boundary", x)));
        return Optional.of(b.build());
    }

    private static Detection.Builder base(String rule, Severity severity, int score, TokenState issued,
                                          TokenState.Delegator nearest) {
        return Detection.of(Detection.CREDENTIAL, rule, severity, score)
                .revoke(RevokeScope.TOKEN).token(issued.tokenId()).key(rule + ":" + issued.tokenId())
                .note(TokenDirectory.LAG_NOTE)
                .note("delegated by " + nearest.sub());
    }

    /** Scopes the delegate gets that the delegator's token does not grant ("*" for unrestricted). */
    private static List<String> broader(List<String> childScopes, TokenState parent) {
        if (parent.scopes() == null) {
            return List.of();
        }
        if (childScopes == null) {
            return List.of("*");
        }
        List<String> out = new ArrayList<>();
        childScopes.stream().filter(s -> !parent.grants(s)).forEach(out::add);
        return out;
    }

    private static List<String> broaderBoundaries(List<String> child, List<String> parent) {
        if (parent == null) {
            return List.of();
        }
        if (child == null) {
            return List.of("*");
        }
        return child.stream().filter(b -> !parent.contains(b)).toList();
    }
}
