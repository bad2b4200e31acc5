package io.agentwatch.detect;

import io.agentwatch.model.Call;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.DetectorRun;
import io.agentwatch.testing.Events;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeDriftDetectorTest {
    private static final long T0 = BenignHistory.end().toEpochMilli();

    private final DetectionSettings settings = DetectionSettings.from(new AgentwatchConfig(Map.of()));
    private final Baseline active = Baselines.afterBenignHistory(MAILER);
    private final DetectorRun run = new DetectorRun(new ScopeDriftDetector(), settings, MAILER, T0 + 60_000L);
    private final SessionState session = run.session();

    private List<Detection> judge(Baseline baseline, ToolCall.Builder... calls) {
        return run.judge(baseline, null, calls);
    }

    private static ToolCall.Builder mailer(String tool, String target, String boundary) {
        return Events.call(MAILER, "s", "t", tool, target, boundary, null);
    }

    @Test
    void shouldWaitUntilTheBaselineIsActive() {
        // when a never-seen destructive call comes while learning
        List<Detection> found = judge(new Baseline(), mailer("delete_customer", "crm:customers", "corp")
                .setOperation(Operation.DELETE).setSensitivity(Sensitivity.RESTRICTED));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldStayQuietForTheAgentsUsualCalls() {
        // when
        List<Detection> found = judge(active, Events.readInbox("s", "t"), Events.crmLookup("s", "t"),
                Events.listFolders("s", "t"));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldNotFlagARecipientTheAgentRepliesToEveryDay() {
        // given customer-3 got replies on each of the five days of the history
        // when
        List<Detection> found = judge(active, Events.readInbox("s", "t"), Events.crmLookup("s", "t"),
                Events.replyToCustomer("s", "t", 3));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldRateAFirstReadOfInternalDataWithANewToolLow() {
        // when
        List<Detection> found = judge(active, mailer("list_labels", "mailbox:support", "corp"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.detector()).isEqualTo(Detection.SCOPE_DRIFT);
            assertThat(d.rule()).isEqualTo("drift.action");
            assertThat(d.severity()).isEqualTo(Severity.LOW);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(d.observations()).extracting(o -> o.getGrain() + " " + o.getValue() + " " + o.getVerdict())
                    .containsExactly("tool list_labels UNSEEN", "tool_operation list_labels:READ UNSEEN");
            assertThat(d.observations().get(0).getDistinct()).isEqualTo(4);
            assertThat(d.observations().get(0).getTotal()).isGreaterThan(100);
            assertThat(d.observations().get(0).getSurprisalBits()).isGreaterThanOrEqualTo(settings.thresholdBits());
            assertThat(d.summary()).contains("UNSEEN tool list_labels");
        });
    }

    @Test
    void shouldRateANewToolThatWritesInsideTheUsualBoundaryLow() {
        // when
        List<Detection> found = judge(active, mailer("archive_email", "mailbox:support", "corp")
                .setOperation(Operation.WRITE));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("drift.action");
            assertThat(d.severity()).isEqualTo(Severity.LOW);
        });
    }

    @Test
    void shouldRateANewToolThatWritesIntoANewBoundaryMedium() {
        // when
        List<Detection> found = judge(active, mailer("archive_email", "mailbox:support", "partner-portal")
                .setOperation(Operation.WRITE));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("drift.action");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
        });
    }

    @Test
    void shouldRateANewToolOnConfidentialDataInsideTheUsualBoundaryLow() {
        // when
        List<Detection> found = judge(active, mailer("contracts_read", "contracts:all", "corp")
                .setSensitivity(Sensitivity.CONFIDENTIAL));

        // then
        assertThat(found).extracting(Detection::severity).containsExactly(Severity.LOW);
    }

    @Test
    void shouldRateANewToolOnConfidentialDataInANewBoundaryMedium() {
        // when
        List<Detection> found = judge(active, mailer("contracts_read", "contracts:all", "legal")
                .setSensitivity(Sensitivity.CONFIDENTIAL));

        // then
        assertThat(found).extracting(Detection::severity).containsExactly(Severity.MEDIUM);
    }

    @Test
    void shouldRateAFirstDestructiveActionOnConfidentialDataInsideTheUsualBoundaryMedium() {
        // when
        List<Detection> found = judge(active, mailer("delete_customer", "crm:customers", "corp")
                .setOperation(Operation.DELETE).setSensitivity(Sensitivity.CONFIDENTIAL));

        // then: a high-impact action never taken, but in the agent's own boundary: an alert
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("drift.action");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
        });
    }

    @Test
    void shouldRateAFirstDestructiveActionOnConfidentialDataInANewBoundaryHigh() {
        // when
        List<Detection> found = judge(active, mailer("delete_customer", "crm:customers", "crm-prod")
                .setOperation(Operation.DELETE).setSensitivity(Sensitivity.CONFIDENTIAL));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("drift.high_impact");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void shouldNotRateAKnownToolOperationHighJustBecauseItsBoundaryIsNew() {
        // when the usual send goes, with confidential content, into a boundary never used
        List<Detection> found = judge(active, Events.replyToCustomer("s", "t", 1).setBoundary("partner-mail")
                .setSensitivity(Sensitivity.CONFIDENTIAL));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(d.observations()).extracting(o -> o.getGrain()).contains("boundary");
        });
    }

    @Test
    void shouldAddMildlyRareActionsUpIntoOneSessionFinding() {
        // when three new read-only tools are used in one session
        List<Detection> first = judge(active, mailer("list_labels", "labels", "corp"));
        List<Detection> second = judge(active, mailer("list_drafts", "drafts", "corp"));
        List<Detection> third = judge(active, mailer("list_rules", "rules", "corp"));
        List<Detection> fourth = judge(active, mailer("list_signatures", "signatures", "corp"));

        // then each is LOW, and the third adds up to one MEDIUM session-level finding
        assertThat(first).extracting(Detection::rule).containsExactly("drift.action");
        assertThat(second).extracting(Detection::rule).containsExactly("drift.action");
        assertThat(third).extracting(Detection::rule).containsExactly("drift.action", "drift.session");
        assertThat(third.get(1).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(third.get(1).summary()).contains("3 unusual calls");
        assertThat(fourth).extracting(Detection::rule).containsExactly("drift.action");
        assertThat(session.response().driftEvents()).isEqualTo(4);
        assertThat(session.response().driftScore()).isGreaterThanOrEqualTo(settings.sessionDriftScore());
    }

    @Test
    void shouldReportTheSameNovelActionOncePerSession() {
        // when
        List<Detection> found = judge(active, mailer("list_labels", "mailbox:support", "corp"),
                mailer("list_labels", "mailbox:support", "corp"));

        // then
        assertThat(found).hasSize(1);
    }

    @Test
    void shouldObserveANewTransitionBetweenTools() {
        // when an unusual tool follows a usual one
        List<Detection> found = judge(active, Events.crmLookup("s", "t"), mailer("list_labels", "labels", "corp"));

        // then
        assertThat(found).singleElement().satisfies(d -> assertThat(d.observations())
                .anySatisfy(o -> assertThat(o.getValue()).isEqualTo("crm_lookup->list_labels")));
    }

    @Test
    void shouldWeighAFirstWriteToRestrictedDataAboveAFirstReadOfPublicData() {
        // given
        Call restrictedDelete = new Call("e1", T0, MAILER, "s", "t", "x", Operation.DELETE, null, "corp",
                Sensitivity.RESTRICTED, null, null, Outcome.OK, Set.of(), List.of(), Map.of());
        Call restrictedWrite = new Call("e2", T0, MAILER, "s", "t", "x", Operation.WRITE, null, "corp",
                Sensitivity.RESTRICTED, null, null, Outcome.OK, Set.of(), List.of(), Map.of());
        Call publicRead = new Call("e3", T0, MAILER, "s", "t", "x", Operation.READ, null, "corp",
                Sensitivity.PUBLIC, null, null, Outcome.OK, Set.of(), List.of(), Map.of());

        // then
        assertThat(ScopeDriftDetector.weight(restrictedDelete)).isGreaterThan(ScopeDriftDetector.weight(restrictedWrite));
        assertThat(ScopeDriftDetector.weight(restrictedWrite)).isGreaterThan(ScopeDriftDetector.weight(publicRead));
    }
}
