package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.state.PendingApproval;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Step-up approval on the real topology: the billing bot (ACTIVE after the benign history) makes
 * its first refund, inside its own boundary: scope drift rates that MEDIUM, and money is a
 * configured high-impact kind, so its token is suspended until a person decides on
 * agent.approvals, or revoked when nobody does in time.
 */
class ApprovalTopologyTest {
    private static final Map<String, Object> APPROVALS = Map.of(AgentwatchConfig.RESPONSE_APPROVAL_WHEN,
            "money,restricted-write,delegation,new-party", AgentwatchConfig.RESPONSE_APPROVAL_TIMEOUT, "15m");

    /** The billing bot's first refund; returns the refund's outputs. */
    private static List<Replayer.Output> firstRefund(MonitorHarness h) {
        h.withBenignHistory();
        h.issue(Events.token(BILLING, "t-x", "s-x", Events.BILLING_SCOPES, Events.BILLING_BOUNDARIES));
        h.call(Events.call(BILLING, "s-x", "t-x", "list_invoices", "invoices:open", "finance", "billing:read"));
        return h.call(Events.call(BILLING, "s-x", "t-x", "refund_payment", "payments:refund/INV-7", "finance",
                "billing:write").setEventId("e-refund"));
    }

    private static RevokeCommand suspension(List<Replayer.Output> outputs) {
        return MonitorHarness.commandsIn(outputs).stream().filter(c -> c.getScope() == RevokeScope.SUSPEND)
                .findFirst().orElseThrow();
    }

    @Test
    void shouldSuspendTheTokenOfAMediumHighImpactCallAndRememberTheApproval() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            // when
            List<Replayer.Output> atRefund = firstRefund(h);

            // then the drift finding asks for approval and a SUSPEND command holds the refund's token
            Finding drift = MonitorHarness.findingsIn(atRefund).stream()
                    .filter(f -> f.getRule().equals("drift.action")).findFirst().orElseThrow();
            assertThat(drift.getAction()).isEqualTo(Action.REQUIRE_APPROVAL);
            RevokeCommand suspend = suspension(atRefund);
            assertThat(MonitorHarness.commandsIn(atRefund)).containsExactly(suspend);
            assertThat(suspend.getTokenIds()).containsExactly("t-x");
            assertThat(suspend.getTriggerEventId()).isEqualTo("e-refund");
            assertThat(atRefund).filteredOn(o -> o.record() == suspend).extracting(Replayer.Output::inputEventId)
                    .containsExactly("e-refund");
            // and the store remembers what waits, with its deadline in stream time
            PendingApproval waiting = h.credentials(BILLING).approvals().iterator().next();
            assertThat(waiting.commandId()).isEqualTo(suspend.getCommandId());
            assertThat(waiting.deadline()).isEqualTo(suspend.getIssuedAt().plus(Duration.ofMinutes(15)).toEpochMilli());
            assertThat(h.token(BILLING, "t-x").awaitingConfirmation()).as("a suspension awaits no TokenRevoked").isFalse();
        }
    }

    @Test
    void shouldResumeWhatAPersonApprovesAndSayWho() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            RevokeCommand suspend = suspension(firstRefund(h));

            // when
            List<Replayer.Output> decided = h.decide(BILLING, suspend.getCommandId(), ApprovalVerdict.APPROVE,
                    "alice@corp.example");

            // then
            assertThat(MonitorHarness.findingsIn(decided)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("approval.approved");
                assertThat(f.getDecidedBy()).isEqualTo("alice@corp.example");
            });
            assertThat(MonitorHarness.commandsIn(decided)).singleElement().satisfies(c -> {
                assertThat(c.getScope()).isEqualTo(RevokeScope.RESUME);
                assertThat(c.getTokenIds()).containsExactly("t-x");
            });
            assertThat(h.credentials(BILLING).approvals()).isEmpty();

            // and nothing times out later
            h.advance(Duration.ofMinutes(30)).call(Events.readInbox("s-other", "t-other"));
            assertThat(h.findings("approval.timeout")).isEmpty();
        }
    }

    @Test
    void shouldRevokeTheSessionAPersonDenies() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            RevokeCommand suspend = suspension(firstRefund(h));

            List<Replayer.Output> decided = h.decide(BILLING, suspend.getCommandId(), ApprovalVerdict.DENY,
                    "bob@corp.example");

            assertThat(MonitorHarness.findingsIn(decided)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("approval.denied");
                assertThat(f.getDecidedBy()).isEqualTo("bob@corp.example");
                assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
            });
            assertThat(MonitorHarness.commandsIn(decided)).singleElement().satisfies(c -> {
                assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
                assertThat(c.getSessionId()).isEqualTo("s-x");
                assertThat(c.getTokenIds()).containsExactly("t-x");
            });
            assertThat(h.session(BILLING, "s-x").response().revoked()).isEqualTo(RevokeScope.SESSION);
        }
    }

    @Test
    void shouldRevokeWhenNobodyDecidesWithinTheTimeoutOfStreamTime() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            RevokeCommand suspend = suspension(firstRefund(h));

            // when stream time passes the deadline (another agent's events on the partition)
            h.issue(Events.mailerToken("t-m", "s-m"));
            h.advance(Duration.ofMinutes(12)).call(Events.readInbox("s-m", "t-m"));
            assertThat(h.findings("approval.timeout")).as("not yet, 14 min after the refund").isEmpty();
            h.advance(Duration.ofMinutes(1)).call(Events.readInbox("s-m", "t-m"));

            // then the session is revoked when stream time passes the deadline, and a late decision answers nothing
            Finding timeout = h.findings("approval.timeout").get(0);
            assertThat(timeout.getAction()).isEqualTo(Action.REVOKE_SESSION);
            RevokeCommand revoke = h.commands().stream().filter(c -> c.getAgentId().equals(BILLING)
                    && c.getScope() == RevokeScope.SESSION).findFirst().orElseThrow();
            assertThat(revoke.getIssuedAt()).isBetween(suspend.getIssuedAt().plus(Duration.ofMinutes(15)),
                    suspend.getIssuedAt().plus(Duration.ofMinutes(17)));
            assertThat(revoke.getFindingIds()).containsExactly(timeout.getFindingId());
            List<Replayer.Output> late = h.decide(BILLING, suspend.getCommandId(), ApprovalVerdict.APPROVE,
                    "alice@corp.example");
            assertThat(MonitorHarness.findingsIn(late)).extracting(Finding::getRule).filteredOn(r -> r.startsWith("approval"))
                    .containsExactly("approval.unmatched");
            assertThat(MonitorHarness.commandsIn(late)).extracting(RevokeCommand::getScope).doesNotContain(RevokeScope.RESUME);
        }
    }

    @Test
    void shouldRevokeByTheWallClockWhenThePartitionFallsQuiet() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            firstRefund(h);

            // when no record arrives and the wall clock passes the time-out
            h.advanceWallClock(Duration.ofMinutes(10));
            assertThat(h.findings("approval.timeout")).as("not yet").isEmpty();
            h.advanceWallClock(Duration.ofMinutes(6));

            // then
            assertThat(h.findings("approval.timeout")).hasSize(1);
            assertThat(h.commands()).extracting(RevokeCommand::getScope).containsExactly(RevokeScope.SUSPEND,
                    RevokeScope.SESSION);
            assertThat(h.credentials(BILLING).approvals()).isEmpty();
        }
    }

    @Test
    void shouldKeepMediumAnAlertWithoutStepUpApproval() {
        try (MonitorHarness h = MonitorHarness.create(Map.of())) {
            List<Replayer.Output> atRefund = firstRefund(h);

            assertThat(MonitorHarness.findingsIn(atRefund)).filteredOn(f -> f.getRule().equals("drift.action"))
                    .extracting(Finding::getAction).containsExactly(Action.ALERT);
            assertThat(MonitorHarness.commandsIn(atRefund)).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterAnAgentApprovingItsOwnSuspension() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            RevokeCommand suspend = suspension(firstRefund(h));

            h.feed(ApprovalDecision.newBuilder().setDecisionId("d-self").setAgentId(BILLING)
                    .setCommandId(suspend.getCommandId()).setVerdict(ApprovalVerdict.APPROVE).setApprover(BILLING)
                    .setDecidedAt(h.now()).build());

            assertThat(h.deadLetters()).extracting(Replayer.DeadLetter::reason).containsExactly("self-approval");
            assertThat(h.credentials(BILLING).approvals()).hasSize(1);
            assertThat(h.findings("approval.approved")).isEmpty();
        }
    }

    @Test
    void shouldNotAskTheMailerForApprovalForAnEverydayCall() {
        try (MonitorHarness h = MonitorHarness.create(APPROVALS)) {
            h.withBenignHistory();
            h.issue(Events.mailerToken("t-m", "s-m"));
            h.call(Events.readInbox("s-m", "t-m"));
            h.call(Events.replyToCustomer("s-m", "t-m", 1));

            assertThat(h.commands()).isEmpty();
            assertThat(h.credentials(MAILER) == null || h.credentials(MAILER).approvals().isEmpty()).isTrue();
        }
    }
}
