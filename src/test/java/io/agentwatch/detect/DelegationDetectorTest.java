package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.ORCHESTRATOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Events;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DelegationDetectorTest {
    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private static final long NOW = T0.plusSeconds(60).toEpochMilli();

    private final DelegationDetector detector = new DelegationDetector();

    private static TokenState parent(List<String> scopes, List<String> boundaries) {
        return TokenState.of(Events.token(ORCHESTRATOR, "t-parent", "s-o", scopes, boundaries).setIssuedAt(T0)
                .setExpiresAt(T0.plusSeconds(3600)).build());
    }

    private static TokenState child(List<String> scopes, List<String> boundaries) {
        return TokenState.of(Events.delegatedBy(Events.token(MAILER, "t-child", "s-m", scopes, boundaries),
                ORCHESTRATOR, "t-parent").setIssuedAt(T0.plusSeconds(60)).setExpiresAt(T0.plusSeconds(1800)).build());
    }

    private static TokenDirectory indexOf(TokenState t) {
        return id -> id.equals(t.tokenId()) ? Optional.of(t) : Optional.empty();
    }

    @Test
    void shouldFlagADelegateThatGetsScopesItsDelegatorDoesNotHave() {
        // given
        TokenState parent = parent(List.of("mail:read"), List.of("corp"));

        // when
        Optional<Detection> found = detector.inspect(child(List.of("mail:read", "mail:send"), List.of("corp")),
                indexOf(parent), NOW);

        // then
        assertThat(found).hasValueSatisfying(d -> {
            assertThat(d.rule()).isEqualTo("delegation.escalation");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(d.tokenIds()).containsExactly("t-child", "t-parent");
            assertThat(d.scopes()).containsExactly("mail:send");
            assertThat(d.summary()).contains(ORCHESTRATOR).contains("mail:send");
        });
    }

    @Test
    void shouldFlagADelegateThatGetsBoundariesItsDelegatorDoesNotHave() {
        // when
        Optional<Detection> found = detector.inspect(child(List.of("mail:read"), List.of("corp", "internet")),
                indexOf(parent(List.of("mail:read"), List.of("corp"))), NOW);

        // then
        assertThat(found).hasValueSatisfying(d -> assertThat(d.boundaries()).containsExactly("internet"));
    }

    @Test
    void shouldFlagAnUnrestrictedDelegateOfARestrictedDelegator() {
        // when
        Optional<Detection> found = detector.inspect(child(null, null),
                indexOf(parent(List.of("mail:read"), List.of("corp"))), NOW);

        // then
        assertThat(found).hasValueSatisfying(d -> {
            assertThat(d.scopes()).containsExactly("*");
            assertThat(d.boundaries()).containsExactly("*");
        });
    }

    @Test
    void shouldAcceptADelegateWithNarrowerOrWildcardCoveredScopes() {
        // given
        TokenState parent = parent(List.of("mail:*", "crm:read"), List.of("corp", "customer-mail"));

        // when
        Optional<Detection> found = detector.inspect(child(List.of("mail:send"), List.of("corp")), indexOf(parent),
                NOW);

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldFlagDelegationThroughAnExpiredDelegatorToken() {
        // given a delegator token that expired before the delegation
        TokenState parent = TokenState.of(Events.token(ORCHESTRATOR, "t-parent", "s-o", List.of("mail:read"), null)
                .setIssuedAt(T0.minusSeconds(7200)).setExpiresAt(T0.minusSeconds(3600)).build());

        // when
        Optional<Detection> found = detector.inspect(child(List.of("mail:read"), null), indexOf(parent), NOW);

        // then
        assertThat(found).hasValueSatisfying(d -> assertThat(d.rule()).isEqualTo("delegation.invalid_delegator"));
    }

    @Test
    void shouldNotJudgeWhatItCannotCompare() {
        // given
        TokenState undelegated = TokenState.of(Events.mailerToken("t-1", "s").setIssuedAt(T0)
                .setExpiresAt(T0.plusSeconds(60)).build());

        // when / then: no delegator; delegator token not (yet) in the index
        assertThat(detector.inspect(undelegated, id -> Optional.of(parent(List.of(), List.of())), NOW)).isEmpty();
        assertThat(detector.inspect(child(List.of("mail:send"), null), TokenDirectory.EMPTY, NOW)).isEmpty();
    }
}
