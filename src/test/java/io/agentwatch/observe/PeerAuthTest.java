package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PeerAuthTest {
    private static final String TOKEN = "shared-read-token-0123456789";
    private static final String PATH = "/agents/spiffe%3A%2F%2Fcorp.example%2Fagents%2Fmailer";
    private static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");

    private final PeerAuth forwarder = new PeerAuth(TOKEN, Clock.fixed(NOW, ZoneOffset.UTC));
    private final PeerAuth owner = new PeerAuth(TOKEN, Clock.fixed(NOW.plusSeconds(2), ZoneOffset.UTC));

    @Test
    void shouldAcceptACallSignedWithTheSameTokenForThisInstanceOnce() {
        PeerAuth.Signed call = forwarder.sign("GET", PATH, "10.0.0.2:8080", "10.0.0.1:8080");

        PeerAuth.Check first = owner.verify(call.header(), "GET", PATH, "10.0.0.2:8080");
        PeerAuth.Check replayed = owner.verify(call.header(), "GET", PATH, "10.0.0.2:8080");

        assertThat(first.refusal()).isNull();
        assertThat(first.nonce()).isEqualTo(call.nonce());
        assertThat(replayed.refusal()).contains("replayed");
    }

    @Test
    void shouldRefuseACallForAnotherInstanceAnotherPathAnotherTokenOrTooOld() {
        PeerAuth.Signed call = forwarder.sign("GET", PATH, "10.0.0.2:8080", "10.0.0.1:8080");
        PeerAuth otherToken = new PeerAuth("another-token-0123456789", Clock.fixed(NOW, ZoneOffset.UTC));
        PeerAuth later = new PeerAuth(TOKEN, Clock.fixed(NOW.plusSeconds(31), ZoneOffset.UTC));

        assertThat(owner.verify(call.header(), "GET", PATH, "10.0.0.3:8080").refusal()).contains("does not match");
        assertThat(owner.verify(call.header(), "POST", PATH + "/reset-baseline", "10.0.0.2:8080").refusal())
                .contains("does not match");
        assertThat(otherToken.verify(call.header(), "GET", PATH, "10.0.0.2:8080").refusal()).contains("does not match");
        assertThat(later.verify(call.header(), "GET", PATH, "10.0.0.2:8080").refusal()).contains("ms away");
        assertThat(owner.verify("v1 ts=1, mac=x", "GET", PATH, "10.0.0.2:8080").refusal()).contains("malformed");
    }

    @Test
    void shouldTieTheAnswerToTheCallStatusAndBody() {
        byte[] body = "{\"agent_id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        String mac = owner.responseMac("nonce-0123456789abcdef", 200, body);

        assertThat(forwarder.responseValid("nonce-0123456789abcdef", 200, body, mac)).isTrue();
        assertThat(forwarder.responseValid("nonce-0123456789abcdef", 404, body, mac)).isFalse();
        assertThat(forwarder.responseValid("nonce-0123456789abcdef", 200, "{}".getBytes(StandardCharsets.UTF_8), mac))
                .isFalse();
        assertThat(forwarder.responseValid("another-nonce-0123456789", 200, body, mac)).isFalse();
        assertThat(forwarder.responseValid("nonce-0123456789abcdef", 200, body, null)).isFalse();
    }
}
