package io.agentwatch.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.TokenIssued;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenStateTest {
    private static final Instant ISSUED = Instant.parse("2026-01-05T09:00:00Z");
    private static final long T0 = ISSUED.toEpochMilli();
    private static final long EXPIRES = T0 + 3_600_000L;

    private static TokenState token(List<String> scopes, List<String> boundaries) {
        return TokenState.of(TokenIssued.newBuilder().setTokenId("t-1").setAgentId("spiffe://corp.example/agents/a")
                .setSessionId("s-1").setIssuedAt(ISSUED).setExpiresAt(Instant.ofEpochMilli(EXPIRES))
                .setScopes(scopes).setBoundaries(boundaries)
                .setActorChain(List.of(new Actor("spiffe://corp.example/agents/boss", "t-0"))).build());
    }

    @Test
    void shouldGrantExactAndWildcardScopesOnly() {
        // given
        TokenState t = token(List.of("mail:read", "crm:*"), List.of("corp"));

        // then
        assertThat(t.grants("mail:read")).isTrue();
        assertThat(t.grants("crm:write")).isTrue();
        assertThat(t.grants("mail:send")).isFalse();
        assertThat(t.grants("crmx:read")).isFalse();
    }

    @Test
    void shouldNotRestrictADimensionTheTokenLeavesOut() {
        // given
        TokenState t = token(null, null);

        // then
        assertThat(t.grants("anything:at-all")).isTrue();
        assertThat(t.allowsBoundary("anywhere")).isTrue();
    }

    @Test
    void shouldAllowOnlyListedBoundaries() {
        // given
        TokenState t = token(List.of(), List.of("corp"));

        // then
        assertThat(t.allowsBoundary("corp")).isTrue();
        assertThat(t.allowsBoundary("paste.example")).isFalse();
        assertThat(t.grants("mail:read")).isFalse();
    }

    @Test
    void shouldBeExpiredOnlyPastTheLeeway() {
        // given
        TokenState t = token(null, null);

        // then
        assertThat(t.isExpiredAt(EXPIRES + 30_000, 30_000)).isFalse();
        assertThat(t.isExpiredAt(EXPIRES + 30_001, 30_000)).isTrue();
        assertThat(t.isEndedAt(EXPIRES)).isFalse();
        assertThat(t.isEndedAt(EXPIRES + 1)).isTrue();
        assertThat(t.endedAt()).isEqualTo(EXPIRES);
    }

    @Test
    void shouldKeepTheEarliestRevocation() {
        // given
        TokenState t = token(null, null);

        // when
        t.revoke(T0 + 600_000, "second report");
        t.revoke(T0 + 300_000, "first report");
        t.revoke(T0 + 900_000, "third report");

        // then
        assertThat(t.revokedAt()).isEqualTo(T0 + 300_000);
        assertThat(t.revokeReason()).isEqualTo("first report");
        assertThat(t.isEndedAt(T0 + 299_999)).isFalse();
        assertThat(t.isEndedAt(T0 + 300_000)).isTrue();
        assertThat(t.endedAt()).isEqualTo(T0 + 300_000);
    }

    @Test
    void shouldAwaitConfirmationOfTheFirstOrderedRevocationUntilRevoked() {
        // given
        TokenState t = token(null, null);

        // when
        t.revocationOrdered("rc-1", T0 + 1000);
        t.revocationOrdered("rc-2", T0 + 2000);

        // then
        assertThat(t.commandId()).isEqualTo("rc-1");
        assertThat(t.commandAt()).isEqualTo(T0 + 1000);
        assertThat(t.awaitingConfirmation()).isTrue();
        t.revoke(T0 + 5000, "done");
        assertThat(t.awaitingConfirmation()).isFalse();
    }

    @Test
    void shouldCarryTheActorChainNearestFirst() {
        // when
        TokenState t = token(null, null);

        // then
        assertThat(t.actorChain()).containsExactly(new TokenState.Delegator("spiffe://corp.example/agents/boss", "t-0"));
    }
}
