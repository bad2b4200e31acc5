package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevokeApplierTest {
    private static final long NOW = 1_796_186_000L;
    /** Nothing listens there: the cases below must decide without calling Keycloak. */
    private static final KeycloakApi UNREACHABLE = new KeycloakApi("http://127.0.0.1:1", "agents", "", "bridge", "s",
            Duration.ofMillis(200));
    private static final AgentClients CLIENTS = new AgentClients(Map.of(), "spiffe://corp.example/agents/{client_id}",
            "agentwatch-bridge");

    @Test
    void shouldRefuseWhatTheVerifierRefusesBeforeTouchingKeycloak() {
        RevokeApplier applier = applier(c -> CommandVerifier.Verdict.refuse("no valid signature"));

        assertThat(applier.apply(command("spiffe://corp.example/agents/billing", NOW * 1000 + 60_000), NOW * 1000, id -> false))
                .isEqualTo(new RevokeApplier.Refused("command-refused", "no valid signature"));
    }

    @Test
    void shouldLeaveAnExpiredCommandAndRefuseOneForAnAgentWithoutAClient() {
        RevokeApplier applier = applier(CommandVerifier.ACCEPT_ALL);

        assertThat(applier.apply(command("spiffe://corp.example/agents/billing", NOW * 1000 - 1), NOW * 1000, id -> false))
                .isInstanceOf(RevokeApplier.Stale.class);
        assertThat(applier.apply(command("spiffe://other.example/agents/x", NOW * 1000 + 60_000), NOW * 1000, id -> false))
                .isInstanceOfSatisfying(RevokeApplier.Refused.class, r -> {
                    assertThat(r.dlqReason()).isEqualTo("agent-not-mapped");
                    assertThat(r.message()).contains("keycloak.clients.file");
                });
    }

    @Test
    void shouldRefuseToSuspendOrResumeSinceKeycloakCannotHoldATokenAndReleaseIt() {
        RevokeApplier applier = applier(CommandVerifier.ACCEPT_ALL);

        for (RevokeScope scope : List.of(RevokeScope.SUSPEND, RevokeScope.RESUME)) {
            RevokeCommand c = command("spiffe://corp.example/agents/billing", NOW * 1000 + 60_000);
            c.setScope(scope);

            assertThat(applier.apply(c, NOW * 1000, id -> false)).as(scope.name())
                    .isInstanceOfSatisfying(RevokeApplier.Refused.class,
                            r -> assertThat(r.dlqReason()).isEqualTo("unsupported-scope"));
        }
    }

    private static RevokeApplier applier(CommandVerifier verifier) {
        return new RevokeApplier(CLIENTS, new RealmDirectory(UNREACHABLE, System::nanoTime), UNREACHABLE, new KnownTokens(),
                verifier);
    }

    private static RevokeCommand command(String agentId, long expiresAtMillis) {
        return RevokeCommand.newBuilder().setCommandId("rc-1").setAgentId(agentId).setScope(RevokeScope.TOKEN)
                .setTokenIds(List.of("trrtcc:1")).setReason("scope.not_granted").setIssuedAt(Instant.ofEpochSecond(NOW))
                .setExpiresAt(Instant.ofEpochMilli(expiresAtMillis)).build();
    }

    @Test
    void shouldSetNotBeforeOneSecondPastTheNewestTargetSoThatTokensOfTheSameSecondDieToo() {
        // given two known tokens minted at NOW-100 s (at .999) and NOW-40 s
        Map<String, KnownToken> targets = new LinkedHashMap<>();
        targets.put("a", token("a", (NOW - 100) * 1000 + 999));
        targets.put("b", token("b", (NOW - 40) * 1000));

        // then TOKEN and SESSION cut just after the newer one (Keycloak rejects iat < notBefore)
        assertThat(RevokeApplier.cutoff(RevokeScope.TOKEN, targets, NOW)).isEqualTo(NOW - 39);
        assertThat(RevokeApplier.cutoff(RevokeScope.SESSION, targets, NOW)).isEqualTo(NOW - 39);
        assertThat(targets.get("b").invalidatedBy(NOW - 39)).isTrue();
        assertThat(token("same-second", (NOW - 40) * 1000 + 500).invalidatedBy(NOW - 39)).isTrue();
        assertThat(token("next-second", (NOW - 39) * 1000).invalidatedBy(NOW - 39)).isFalse();
        // and AGENT cuts after Keycloak's current second, whatever the targets
        assertThat(RevokeApplier.cutoff(RevokeScope.AGENT, targets, NOW)).isEqualTo(NOW + 1);
    }

    @Test
    void shouldTakeAnUnknownTokenAsMintedNow() {
        Map<String, KnownToken> targets = new LinkedHashMap<>();
        targets.put("known", token("known", (NOW - 100) * 1000));
        targets.put("unknown", null);

        assertThat(RevokeApplier.cutoff(RevokeScope.TOKEN, targets, NOW)).isEqualTo(NOW + 1);
        assertThat(RevokeApplier.cutoff(RevokeScope.SESSION, Map.of(), NOW)).isZero();
    }

    private static KnownToken token(String id, long issuedAtMillis) {
        return new KnownToken(id, "billing-bot", "sa", id, "spiffe://corp.example/agents/billing", issuedAtMillis,
                issuedAtMillis + 300_000);
    }
}
