package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.mailerToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScopeDriftTopologyTest {
    private final MonitorHarness h = MonitorHarness.create();

    @AfterEach
    void close() {
        h.close();
    }

    private static ToolCall.Builder mailer(String tool, String target) {
        return Events.call(MAILER, "s-x", "t-x", tool, target, "corp", null);
    }

    private void activeMailerWithToken() {
        h.withBenignHistory();
        // a token that does not restrict boundaries, so drift into new ones is judged by the baseline alone
        h.issue(Events.token(MAILER, "t-x", "s-x", Events.MAILER_SCOPES, null));
        assertThat(h.baseline(MAILER).isActive()).isTrue();
    }

    @Test
    void shouldOnlyNoteAFirstReadOfInternalDataWithANewTool() {
        // given
        activeMailerWithToken();

        // when
        List<Replayer.Output> out = h.call(mailer("list_labels", "mailbox:support"));

        // then
        assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("drift.action");
            assertThat(f.getSeverity()).isEqualTo(Severity.LOW);
            assertThat(f.getAction()).isEqualTo(Action.NONE);
            assertThat(f.getBaselineState()).isEqualTo(BaselineState.ACTIVE);
            assertThat(f.getObservations()).extracting(o -> o.getVerdict() + " " + o.getGrain())
                    .containsExactly("UNSEEN tool", "UNSEEN tool_operation");
        });
        assertThat(h.commands()).isEmpty();
    }

    @Test
    void shouldOnlyNoteANewToolThatWritesInsideTheUsualBoundary() {
        // given
        activeMailerWithToken();

        // when
        List<Replayer.Output> out = h.call(mailer("archive_email", "mailbox:support").setOperation(Operation.WRITE));

        // then: agents pick up new tools; inside their usual boundary on INTERNAL data that is context
        assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
            assertThat(f.getSeverity()).isEqualTo(Severity.LOW);
            assertThat(f.getAction()).isEqualTo(Action.NONE);
        });
        assertThat(h.commands()).isEmpty();
    }

    @Test
    void shouldAlertOnANewToolThatWritesIntoABoundaryTheAgentDoesNotUse() {
        // given
        activeMailerWithToken();

        // when
        List<Replayer.Output> out = h.call(mailer("archive_email", "mailbox:support").setOperation(Operation.WRITE)
                .setBoundary("partner-portal"));

        // then
        assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getAction()).isEqualTo(Action.ALERT);
        });
        assertThat(h.commands()).isEmpty();
    }

    @Test
    void shouldOnlyAlertOnAFirstDestructiveActionOnConfidentialDataInsideTheUsualBoundary() {
        // given
        activeMailerWithToken();

        // when
        List<Replayer.Output> out = h.call(mailer("delete_customer", "crm:customers")
                .setOperation(Operation.DELETE).setSensitivity(Sensitivity.CONFIDENTIAL));

        // then: a high-impact action never taken is worth an analyst's look, but agents use some
        // tools once a month (a billing agent's first refund looks the same): inside its own
        // boundary it is an alert, not a revoke
        assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("drift.action");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getAction()).isEqualTo(Action.ALERT);
        });
        assertThat(h.commands()).isEmpty();
    }

    @Test
    void shouldRevokeSessionOnAFirstDestructiveActionOnConfidentialDataInABoundaryTheAgentDoesNotUse() {
        // given
        activeMailerWithToken();

        // when
        List<Replayer.Output> out = h.call(mailer("delete_customer", "crm:customers").setBoundary("crm-prod")
                .setOperation(Operation.DELETE).setSensitivity(Sensitivity.CONFIDENTIAL).setEventId("e-delete"));

        // then
        assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("drift.high_impact");
            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        });
        assertThat(MonitorHarness.commandsIn(out)).singleElement().satisfies(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(c.getTriggerEventId()).isEqualTo("e-delete");
        });
    }

    @Test
    void shouldAddMildlyRareActionsUpIntoOneSessionLevelAlert() {
        // given
        activeMailerWithToken();

        // when three new read-only tools are used in one session
        List<Replayer.Output> first = h.call(mailer("list_labels", "labels"));
        List<Replayer.Output> second = h.call(mailer("list_drafts", "drafts"));
        List<Replayer.Output> third = h.call(mailer("list_rules", "rules").setEventId("e-third"));

        // then
        assertThat(MonitorHarness.findingsIn(first)).extracting(Finding::getSeverity).containsExactly(Severity.LOW);
        assertThat(MonitorHarness.findingsIn(second)).extracting(Finding::getSeverity).containsExactly(Severity.LOW);
        assertThat(MonitorHarness.findingsIn(third)).extracting(Finding::getRule)
                .containsExactly("drift.action", "drift.session");
        Finding session = h.findings("drift.session").get(0);
        assertThat(session.getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(session.getAction()).isEqualTo(Action.ALERT);
        assertThat(session.getEvidence().getEventIds()).containsExactly("e-third");
        assertThat(h.commands()).isEmpty();
    }

    @Test
    void shouldNotJudgeDriftBeforeTheBaselineIsActive() {
        // given a brand-new agent
        h.issue(mailerToken("t-x", "s-x"));

        // when it deletes customer records
        List<Replayer.Output> out = h.call(mailer("delete_customer", "crm:customers")
                .setOperation(Operation.DELETE).setSensitivity(Sensitivity.CONFIDENTIAL));

        // then
        assertThat(out).isEmpty();
    }

    @Test
    void shouldRevokeSessionWhenMildFindingsAddUpToTheSessionRiskThreshold() {
        // given
        activeMailerWithToken();

        // when new write-like tools write into boundaries it does not use (MEDIUM each, 25 risk each)
        h.call(mailer("archive_email", "a").setOperation(Operation.WRITE).setBoundary("partner-a"));
        h.call(mailer("label_email", "b").setOperation(Operation.WRITE).setBoundary("partner-b"));
        List<Replayer.Output> out = h.call(mailer("forward_rule", "c").setOperation(Operation.WRITE)
                .setBoundary("partner-c").setEventId("e-third"));

        // then the session's accumulated risk (>= 80) revokes it at the third
        assertThat(MonitorHarness.findingsIn(out)).allSatisfy(f -> assertThat(f.getSeverity().ordinal())
                .isLessThan(Severity.HIGH.ordinal()));
        assertThat(MonitorHarness.findingsIn(out)).anySatisfy(f -> {
            assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
            assertThat(f.getSessionRisk()).isGreaterThanOrEqualTo(80);
        });
        assertThat(h.commands()).singleElement().satisfies(c -> assertThat(c.getTriggerEventId()).isEqualTo("e-third"));
    }
}
