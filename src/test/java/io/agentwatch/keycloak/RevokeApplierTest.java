package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevokeApplierTest {
    private static final long NOW = 1_796_186_000L;

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
