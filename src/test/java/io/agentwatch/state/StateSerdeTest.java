package io.agentwatch.state;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Severity;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StateSerdeTest {
    private static final long T0 = 1_767_603_600_000L;

    @Test
    void shouldReadBackABaselineWithTheSameEstimates() {
        // given an ACTIVE baseline
        Baseline b = Baselines.afterBenignHistory(MAILER);
        StateSerde<Baseline> serde = StateSerde.baselines();

        // when
        Baseline back = serde.decode(serde.encode(b));

        // then
        assertThat(back.isActive()).isTrue();
        assertThat(back.learnedEvents()).isEqualTo(b.learnedEvents());
        assertThat(back.distinctDays()).isEqualTo(b.distinctDays());
        assertThat(back.rateMean()).isEqualTo(b.rateMean());
        assertThat(back.grains().keySet()).isEqualTo(b.grains().keySet());
        for (String grain : b.grains().keySet()) {
            for (String value : List.of("crm_lookup", "corp", "customer-mail", "never-seen")) {
                assertThat(back.grain(grain).estimate(value)).as(grain + "/" + value)
                        .isEqualTo(b.grain(grain).estimate(value));
            }
        }
    }

    @Test
    void shouldReadBackASessionSoThatItsChecksGoOnWhereTheyStopped() {
        // given
        SessionState s = new SessionState(MAILER, "s-1", T0);
        s.record(Baselines.call(Events.readInbox("s-1", "t-1"), T0, "e1"), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        s.record(Baselines.call(Events.replyToCustomer("s-1", "t-1", 3), T0 + 60_000, "e2"), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        s.response().apply(new ResponseMemory.Update(List.of("chain:customer-mail"), 30, Severity.MEDIUM, 1.5, 1,
                RevokeScope.SESSION, List.of("paste.example")));
        StateSerde<SessionState> serde = StateSerde.sessions();

        // when
        SessionState back = serde.decode(serde.encode(s));

        // then
        assertThat(back.activity().recent()).isEqualTo(s.activity().recent());
        assertThat(back.activity().sensitiveReads()).isEqualTo(s.activity().sensitiveReads());
        assertThat(back.activity().untrustedInputEventId()).isEqualTo("e1");
        assertThat(back.activity().tokens()).containsExactly("t-1");
        assertThat(back.response().raised("chain:customer-mail")).isTrue();
        assertThat(back.response().risk()).isEqualTo(30);
        assertThat(back.response().maxSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(back.response().revoked()).isEqualTo(RevokeScope.SESSION);
        assertThat(back.response().implicated()).containsExactly("paste.example");
        assertThat(back.response().driftScore()).isEqualTo(1.5);
        assertThat(back.learning().destinations()).containsExactly("customer-3@customer.example");
        assertThat(back.activity().callsInWindow(T0 + 60_000, Baselines.RATE_WINDOW_MS)).isEqualTo(2);
        Baseline learnedFromOriginal = new Baseline();
        Baseline learnedFromCopy = new Baseline();
        s.response().apply(new ResponseMemory.Update(List.of(), 0, null, 0, 0, null, List.of()));
        SessionState clean = new SessionState(MAILER, "s-2", T0);
        clean.record(Baselines.call(Events.replyToCustomer("s-2", "t-1", 3), T0, "e3"), SessionActivity.Novelties.NONE,
                Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        learnedFromOriginal.sessionEnded(clean, T0 + 3_600_000, Baselines.DEFAULT_POLICY);
        learnedFromCopy.sessionEnded(serde.decode(serde.encode(clean)), T0 + 3_600_000, Baselines.DEFAULT_POLICY);
        assertThat(learnedFromCopy.destinations().cleanSessions("customer-3@customer.example")).isEqualTo(1);
        assertThat(learnedFromCopy.grain(Grains.RECIPIENT).estimate("mailto:customer-3@customer.example"))
                .isEqualTo(learnedFromOriginal.grain(Grains.RECIPIENT).estimate("mailto:customer-3@customer.example"));
    }

    @Test
    void shouldReadBackATokenWithItsRevocationState() {
        // given
        TokenState t = TokenState.of(Events.mailerToken("t-1", "s-1").setIssuedAt(Instant.ofEpochMilli(T0))
                .setExpiresAt(Instant.ofEpochMilli(T0 + 3_600_000)).setBoundaries(null).build());
        t.revocationOrdered("rc-1", T0 + 1000);
        t.markUnconfirmedReported();
        StateSerde<TokenState> serde = StateSerde.tokens();

        // when
        TokenState back = serde.decode(serde.encode(t));

        // then
        assertThat(back.scopes()).isEqualTo(Events.MAILER_SCOPES);
        assertThat(back.boundaries()).isNull();
        assertThat(back.allowsBoundary("anywhere")).isTrue();
        assertThat(back.commandId()).isEqualTo("rc-1");
        assertThat(back.awaitingConfirmation()).isTrue();
        assertThat(back.unconfirmedReported()).isTrue();
        assertThat(back.expiresAt()).isEqualTo(T0 + 3_600_000);
    }

    @Test
    void shouldWriteTheVersionByteFirst() {
        // when
        byte[] bytes = StateSerde.tokens().encode(TokenState.of(TokenIssued.newBuilder().setTokenId("t")
                .setAgentId(MAILER).setIssuedAt(Instant.ofEpochMilli(T0)).setExpiresAt(Instant.ofEpochMilli(T0 + 1))
                .build()));

        // then
        assertThat(bytes[0]).isEqualTo(StateSerde.VERSION);
    }

    @Test
    void shouldRefuseStateOfAnotherVersionWithAMessageThatSaysWhatToDo() {
        // given
        byte[] bytes = StateSerde.baselines().encode(new Baseline());
        bytes[0] = 7;

        // when / then
        assertThatThrownBy(() -> StateSerde.baselines().decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 7").hasMessageContaining("reset the application's state");
        assertThatThrownBy(() -> StateSerde.baselines().decode(new byte[0]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version none");
    }

    @Test
    void shouldRefuseCorruptState() {
        // given
        byte[] garbage = {StateSerde.VERSION, (byte) 0xff, 0x13, 0x37};

        // when / then
        assertThatThrownBy(() -> StateSerde.sessions().decode(garbage)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldPassNullThroughForTombstones() {
        // then
        assertThat(StateSerde.sessions().encode(null)).isNull();
        assertThat(StateSerde.sessions().decode(null)).isNull();
    }

    @Test
    void shouldIgnoreFieldsItDoesNotKnowSoThatAdditiveChangesNeedNoNewVersion() throws Exception {
        // given a token written with an extra field by a later release
        var cbor = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
        byte[] body = cbor.writeValueAsBytes(java.util.Map.of("tokenId", "t-9", "agentId", MAILER,
                "expiresAt", T0, "futureField", "x"));
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = StateSerde.VERSION;
        System.arraycopy(body, 0, bytes, 1, body.length);

        // when
        TokenState back = StateSerde.tokens().decode(bytes);

        // then
        assertThat(back.tokenId()).isEqualTo("t-9");
        assertThat(back.expiresAt()).isEqualTo(T0);
        assertThat(back.actorChain()).isEmpty();
    }
}
