package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.CredentialState;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CredentialHygieneTest {
    private static final Instant T0 = Instant.parse("2026-01-12T09:00:00Z");
    private static final long MIN = 60_000L;
    private static final AgentwatchConfig DEFAULTS = new AgentwatchConfig(Map.of());
    private static final TokenTiers TIERS = io.agentwatch.topology.IntentSettings.from(DEFAULTS).tiers();
    private static final CredentialHygiene HYGIENE = new CredentialHygiene();

    private static TokenState token(List<String> scopes, Duration lifetime) {
        TokenIssued t = Events.token(MAILER, "t-1", "s-1", scopes, null).setIssuedAt(T0)
                .setExpiresAt(T0.plus(lifetime)).build();
        return TokenState.of(t);
    }

    @Test
    void shouldPutTokensInTiersByWhatTheirScopesDo() {
        assertThat(TIERS.tierOf(List.of("mail:read", "crm:read"))).isEqualTo(TokenTiers.Tier.READONLY);
        assertThat(TIERS.tierOf(List.of("mail:read", "mail:send"))).isEqualTo(TokenTiers.Tier.STANDARD);
        assertThat(TIERS.tierOf(List.of("mail:read", "payments:refund"))).isEqualTo(TokenTiers.Tier.CRITICAL);
        assertThat(TIERS.tierOf(List.of("Finance-DB:WRITE"))).as("case-insensitive").isEqualTo(TokenTiers.Tier.CRITICAL);
        assertThat(TIERS.tierOf(null)).as("unrestricted").isEqualTo(TokenTiers.Tier.CRITICAL);
        assertThat(TIERS.tierOf(List.of())).as("grants nothing").isEqualTo(TokenTiers.Tier.STANDARD);
    }

    @Test
    void shouldReportATokenThatLivesLongerThanItsTierAllows() {
        assertThat(HYGIENE.lifetime(token(List.of("mail:read"), Duration.ofHours(24)), TIERS)).isEmpty();
        assertThat(HYGIENE.lifetime(token(List.of("mail:send"), Duration.ofHours(8)), TIERS)).isEmpty();
        assertThat(HYGIENE.lifetime(token(List.of("mail:send"), Duration.ofHours(9)), TIERS)).isPresent();
        assertThat(HYGIENE.lifetime(token(List.of("payments:write"), Duration.ofMinutes(90)), TIERS)).hasValueSatisfying(d -> {
            assertThat(d.rule()).isEqualTo("token.ttl_exceeded");
            assertThat(d.severity()).isEqualTo(Severity.LOW);
            assertThat(d.summary()).contains("1 h 30 min").contains("the 1 h its CRITICAL tier allows");
        });
    }

    private static List<Detection> atCall(TokenState token, String session, long time, CredentialState credentials) {
        Baseline baseline = new Baseline();
        CallContext ctx = new CallContext(Baselines.call(Events.readInbox(session, token.tokenId()), time, "e-1"), token,
                TokenDirectory.EMPTY, new SessionState(MAILER, session, time), baseline,
                DetectionSettings.from(DEFAULTS));
        return HYGIENE.inspect(ctx, credentials);
    }

    @Test
    void shouldReportATokenPresentedInAnotherSessionThanItWasIssuedFor() {
        TokenState t = token(List.of("mail:read"), Duration.ofHours(1));

        assertThat(atCall(t, "s-1", T0.toEpochMilli() + MIN, new CredentialState())).isEmpty();
        assertThat(atCall(t, "s-2", T0.toEpochMilli() + MIN, new CredentialState())).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.cross_session");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
        });
    }

    @Test
    void shouldReportATokenUsedAfterItsTaskEndedButNotOneAlreadyEnded() {
        TokenState t = token(List.of("mail:read"), Duration.ofHours(2));
        CredentialState c = new CredentialState();
        c.taskEnded("t-1", T0.toEpochMilli() + 40 * MIN, t.expiresAt());

        assertThat(atCall(t, "s-1", T0.toEpochMilli() + 30 * MIN, c)).isEmpty();
        assertThat(atCall(t, "s-1", T0.toEpochMilli() + 70 * MIN, c)).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.after_session");
            assertThat(d.summary()).contains("30 min after its task ended");
        });
        assertThat(atCall(t, "s-1", T0.toEpochMilli() + 130 * MIN, c)).as("expired: token.expired speaks").isEmpty();
    }

    @Test
    void shouldReportATokenStillValidWhenItsTaskEnded() {
        TokenState t = token(List.of("mail:read"), Duration.ofHours(8));
        long lastCall = T0.toEpochMilli() + 10 * MIN;

        assertThat(HYGIENE.standing(t, lastCall, lastCall + 35 * MIN)).hasValueSatisfying(d -> {
            assertThat(d.rule()).isEqualTo("token.standing");
            assertThat(d.summary()).contains("35 min after the last call of its task").contains("7 h 15 min more");
        });
        assertThat(HYGIENE.standing(token(List.of("mail:read"), Duration.ofMinutes(30)), lastCall, lastCall + 35 * MIN))
                .isEmpty();
    }

    @Test
    void shouldListTheUnusedScopesWithTheirRuns() {
        Map<String, Integer> unused = new TreeMap<>(Map.of("payments:refund", 25, "mail:write", 20));

        Detection d = HYGIENE.unusedScopes(MAILER, unused, 20);

        assertThat(d.rule()).isEqualTo("scope.unused");
        assertThat(d.severity()).isEqualTo(Severity.LOW);
        assertThat(d.scopes()).containsExactly("mail:write", "payments:refund");
        assertThat(d.observations()).extracting(o -> o.getValue() + "=" + o.getTotal())
                .containsExactly("mail:write=20.0", "payments:refund=25.0");
    }
}
