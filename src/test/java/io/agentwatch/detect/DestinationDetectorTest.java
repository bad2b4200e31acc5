package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.DetectorRun;
import io.agentwatch.testing.Events;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationDetectorTest {
    private static final long T0 = BenignHistory.end().toEpochMilli();

    private final Baseline settled = Baselines.withSettledDestinations(MAILER, 25);
    private final DetectorRun run = new DetectorRun(new DestinationDetector(), MAILER, T0);

    private static TokenState token(String purpose) {
        return TokenState.of(Events.mailerToken("t", "s").setBoundaries(null).setPurpose(purpose)
                .setIssuedAt(Instant.ofEpochMilli(T0)).setExpiresAt(Instant.ofEpochMilli(T0 + 3_600_000)).build());
    }

    private List<Detection> judge(Baseline baseline, ToolCall.Builder... calls) {
        return run.judge(baseline, token("answer the support queue"), calls);
    }

    private static ToolCall.Builder mailTo(String address) {
        return Events.sendTo("s", "t", "send_email", "mailto:" + address, "customer-mail");
    }

    @Test
    void shouldRevokeAtTheMailToANeverUsedRecipientAfterUntrustedInputAndASensitiveRead() {
        // when the usual tools send the usual kind of mail, but to an address never used
        List<Detection> found = judge(settled, Events.readInbox("s", "t").setEventId("e-inbox"),
                Events.crmLookup("s", "t").setEventId("e-crm"), mailTo("drop@attacker.example").setEventId("e-send"));

        // then the call is judged by who receives it, inside the agent's everyday boundary
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.toxic_flow");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(d.eventIds()).containsExactly("e-inbox", "e-crm", "e-send");
            assertThat(d.implicates()).containsExactly("drop@attacker.example");
            assertThat(d.observations()).singleElement().satisfies(o -> {
                assertThat(o.getGrain()).isEqualTo("destination");
                assertThat(o.getVerdict()).isEqualTo("UNSEEN");
            });
        });
    }

    @Test
    void shouldJudgeARequestToAnUnknownHostAsEgressWhateverItsDeclaredOperation() {
        // when, after reading the CRM and the inbox, the agent fetches a URL on a host it never used
        List<Detection> found = judge(settled, Events.readInbox("s", "t"), Events.crmLookup("s", "t"),
                Events.call(MAILER, "s", "t", "web_fetch").setTarget("https://collect.example/p?c=4111")
                        .setOperation(Operation.READ).setEventId("e-fetch"));

        // then the query leaves with the request
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.toxic_flow");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void shouldOnlyNoteANewRecipientWithoutAnEarlierSensitiveReadOrUntrustedInput() {
        // when
        List<Detection> found = judge(settled, Events.listFolders("s", "t"), mailTo("new-customer@customer.example"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.new_destination");
            assertThat(d.severity()).isEqualTo(Severity.LOW);
        });
    }

    @Test
    void shouldOnlyNoteANewRecipientAfterASensitiveReadWithoutASecondAnomaly() {
        // when the session read the CRM (no untrusted input, nothing refused or new) and mails someone new
        List<Detection> found = judge(settled, Events.crmLookup("s", "t"), mailTo("new-customer@customer.example"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.new_destination");
            assertThat(d.severity()).isEqualTo(Severity.LOW);
        });
    }

    @Test
    void shouldCountARefusedCallEarlierInTheSessionAsTheSecondAnomaly() {
        // when
        List<Detection> found = judge(settled, Events.denied(Events.call(MAILER, "s", "t", "hr_read", "hr:x", "corp",
                null)), Events.crmLookup("s", "t"), mailTo("new-customer@customer.example"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.exfiltration");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.summary()).contains("refused earlier");
        });
    }

    @Test
    void shouldCountMoneyToAPayeeNeverPaidAsTheSecondAnomaly() {
        // when
        List<Detection> found = judge(settled, Events.crmLookup("s", "t"),
                Events.call(MAILER, "s", "t", "transfer_funds", "iban:XX00NEVERPAID", "bank", null));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.exfiltration");
            assertThat(d.summary()).contains("money moving");
        });
    }

    @Test
    void shouldNotJudgeARecipientTheTaskNamed() {
        // when the principal's task names the new recipient
        List<Detection> found = run.judge(settled, token("Forward the quote to New-Customer@customer.example please"),
                Events.readInbox("s", "t"), Events.crmLookup("s", "t"), mailTo("new-customer@customer.example"));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldOnlyNoteANewRecipientForAnAgentThatReachesNewPartiesAllTheTime() {
        // given a mailer whose last 20 sessions each wrote to a customer it had never written to
        Baseline young = Baselines.afterBenignHistory(MAILER);
        for (int i = 0; i < 20; i++) {
            learn(young, "fresh-" + i, mailTo("fresh-" + i + "@customer.example"));
        }
        assertThat(young.destinations().newDestinationSurprisalBits()).isLessThan(2.0);

        // when
        List<Detection> found = judge(young, Events.readInbox("s", "t"), Events.crmLookup("s", "t"),
                mailTo("drop@attacker.example"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.LOW);
            assertThat(d.notes()).anySatisfy(n -> assertThat(n).contains("surprisal of a new destination"));
        });
    }

    @Test
    void shouldNotRevokeForARecipientInQuarantineButForOneAnEarlierRevokeImplicated() {
        // given one clean session that mailed a new address, and an address a revoke implicated
        Baseline b = Baselines.withSettledDestinations(MAILER, 25);
        learn(b, "once", mailTo("once@customer.example"));
        SessionState revoked = new SessionState(MAILER, "revoked", T0 - 7_200_000L);
        revoked.record(Baselines.call(mailTo("drop@attacker.example"), T0 - 7_200_000L, "r-1"),
                SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        revoked.response().apply(new io.agentwatch.state.ResponseMemory.Update(List.of(), 85, Severity.HIGH, 0, 0,
                RevokeScope.SESSION, List.of("drop@attacker.example")));
        b.sessionEnded(revoked, T0 - 3_600_000L, Baselines.DEFAULT_POLICY);

        // when
        List<Detection> quarantined = judge(b, Events.readInbox("s", "t"), mailTo("once@customer.example"));
        List<Detection> implicated = new DetectorRun(new DestinationDetector(), MAILER, T0).judge(b,
                token("support"), Events.readInbox("s", "t"), mailTo("drop@attacker.example"));

        // then
        assertThat(quarantined).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.LOW);
            assertThat(d.observations().get(0).getVerdict()).isEqualTo("QUARANTINED");
        });
        assertThat(implicated).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.observations().get(0).getVerdict()).isEqualTo("IMPLICATED");
        });
    }

    @Test
    void shouldRaiseTheChainToCriticalAfterARestrictedRead() {
        // when
        List<Detection> found = judge(settled, Events.readInbox("s", "t"),
                Events.call(MAILER, "s", "t", "read_secret", "vault:prod", "corp", null)
                        .setSensitivity(Sensitivity.RESTRICTED), mailTo("drop@attacker.example"));

        // then
        assertThat(found).singleElement().satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.CRITICAL));
    }

    @Test
    void shouldWaitForAnActiveBaseline() {
        // when
        List<Detection> found = judge(new Baseline(), Events.readInbox("s", "t"), mailTo("drop@attacker.example"));

        // then
        assertThat(found).isEmpty();
    }

    /** One clean session of {@code call}, three hours before the test's calls. */
    private static void learn(Baseline b, String session, ToolCall.Builder call) {
        SessionState s = new SessionState(MAILER, session, T0 - 10_800_000L);
        s.record(Baselines.call(call, T0 - 10_800_000L, session + "-1"), SessionActivity.Novelties.NONE,
                Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        b.sessionEnded(s, T0 - 10_000_000L, Baselines.DEFAULT_POLICY);
    }
}
