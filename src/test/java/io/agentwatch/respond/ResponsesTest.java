package io.agentwatch.respond;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.detect.Detection;
import io.agentwatch.trust.SigningKey;
import io.agentwatch.trust.TrustedKeys;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesTest {
    private static final long T0 = 1_767_603_600_000L;

    private static Detection exfiltration() {
        return Detection.of(Detection.CROSS_BOUNDARY, "chain.exfiltration", Severity.HIGH, 85)
                .summary("sent CRM data to paste.example").revoke(RevokeScope.SESSION)
                .event("e-crm").event("e-send").tool("http_post").boundary("paste.example").token("t-1")
                .key("destination:paste.example").note("why").build();
    }

    private static Finding finding(String trigger, long detectedAt) {
        return Responses.finding(exfiltration(), MAILER, "s-1", trigger, Action.REVOKE_SESSION, Disposition.TAKEN, 185,
                BaselineState.ACTIVE, T0, detectedAt, List.of("paste.example"), List.of("extra note"));
    }

    private static RevokeCommand command(String session, Finding f, String trigger, long at, CommandSigner signer) {
        return Responses.command(MAILER, RevokeScope.SESSION, session, List.of("t-1"), session,
                List.of(f.getFindingId()), f.getSummary(), trigger, at, at + 3_600_000, signer);
    }

    @Test
    void shouldGiveTheSameFindingTheSameIdWhenReplayed() {
        // when the same detection is produced twice, at different wall-clock times
        Finding first = finding("e-send", T0 + 5);
        Finding replayed = finding("e-send", T0 + 99_999);

        // then
        assertThat(replayed.getFindingId()).isEqualTo(first.getFindingId()).startsWith("f-").hasSize(26);
        assertThat(finding("e-other", T0).getFindingId()).isNotEqualTo(first.getFindingId());
        assertThat(first.getFindingId()).isEqualTo(Ids.hash("f-", Detection.CROSS_BOUNDARY, "chain.exfiltration",
                MAILER, "s-1", "e-send", "destination:paste.example"));
    }

    @Test
    void shouldCarryEvidenceNotesAndACappedSessionRisk() {
        // when
        Finding f = finding("e-send", T0);

        // then
        assertThat(f.getEvidence().getEventIds()).containsExactly("e-crm", "e-send");
        assertThat(f.getEvidence().getNotes()).containsExactly("why", "extra note");
        assertThat(f.getEvidence().getDestinations()).containsExactly("paste.example");
        assertThat(f.getDisposition()).isEqualTo(Disposition.TAKEN);
        assertThat(f.getSessionRisk()).isEqualTo(100);
        assertThat(f.getEventTime()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
    }

    @Test
    void shouldDeriveTheCommandIdFromAgentScopeAndIncidentOnly() {
        // given
        Finding f = finding("e-send", T0);

        // when
        RevokeCommand c = command("s-1", f, "e-send", T0, CommandSigner.none());
        RevokeCommand sameIncidentLater = command("s-1", finding("e-send-2", T0), "e-send-2", T0 + 60_000, CommandSigner.none());
        RevokeCommand nextSession = command("s-2", f, "e-send", T0, CommandSigner.none());

        // then
        assertThat(sameIncidentLater.getCommandId()).isEqualTo(c.getCommandId());
        assertThat(nextSession.getCommandId()).isNotEqualTo(c.getCommandId());
        assertThat(c.getCommandId()).isEqualTo(Ids.hash("rc-", MAILER, "SESSION", "s-1")).startsWith("rc-");
        assertThat(c.getFindingIds()).containsExactly(f.getFindingId());
        assertThat(c.getTriggerEventId()).isEqualTo("e-send");
        assertThat(c.getReason()).isEqualTo(f.getSummary());
        assertThat(c.getSignature()).isNull();
    }

    @Test
    void shouldSignTheCommandWithTheConfiguredKey() {
        // given
        SigningKey key = SigningKey.generate();

        // when
        RevokeCommand c = command("s-1", finding("e-send", T0), "e-send", T0, CommandSigner.with(key));

        // then
        assertThat(c.getKeyId()).isEqualTo(key.keyId());
        assertThat(key.asTrusted().check(c.getKeyId(), CommandSigner.signedBytes(c), c.getSignature()))
                .isEqualTo(TrustedKeys.Check.VALID);
    }
}
