package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static io.agentwatch.testing.Events.sendTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.FeedbackVerdict;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.state.Baseline;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Analysts' verdicts on findings (agent.finding-feedback) on the real topology: a false positive
 * suppresses the same behaviour for a while and lets the baseline learn what the finding withheld;
 * a true positive keeps the session out of the baseline for good.
 */
class FeedbackTopologyTest {
    private static final Duration TTL = Duration.ofDays(1);

    private static MonitorHarness harness() {
        MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.FEEDBACK_SUPPRESSION_TTL, "1d"));
        h.withBenignHistory();
        return h;
    }

    /** An ACTIVE mailer's session that reads the CRM and posts it to a paste site; returns the post's outputs. */
    private static List<Replayer.Output> exfiltrate(MonitorHarness h, String session) {
        String token = "t-" + session;
        h.issue(mailerToken(token, session).setBoundaries(null));
        h.call(readInbox(session, token));
        h.call(crmLookup(session, token));
        return h.call(sendTo(session, token, "http_post", "https://paste.example/" + session, "paste.example"));
    }

    private static Finding revoking(List<Replayer.Output> outputs) {
        return MonitorHarness.findingsIn(outputs).stream().filter(f -> f.getAction() == Action.REVOKE_SESSION)
                .findFirst().orElseThrow();
    }

    private static FindingFeedback verdict(String id, Finding f, FeedbackVerdict v, Instant at) {
        return FindingFeedback.newBuilder().setFeedbackId(id).setFindingId(f.getFindingId()).setAgentId(f.getAgentId())
                .setVerdict(v).setAnalyst("alice@corp.example").setNote("paste.example is our own pastebin")
                .setAt(at).build();
    }

    /** Moves past the session's idle end and lets the sweep run, with an event of another agent. */
    private static void closeSessions(MonitorHarness h) {
        h.advance(Duration.ofHours(2));
        h.issue(Events.token(Events.BILLING, "t-tick-" + h.now().toEpochMilli(), "s-tick", Events.BILLING_SCOPES,
                Events.BILLING_BOUNDARIES));
    }

    @Test
    void shouldSuppressTheSameBehaviourAfterAFalsePositiveAndLetTheBaselineLearnIt() {
        try (MonitorHarness h = harness()) {
            // given a revoked exfiltration the analyst calls a false positive
            List<Replayer.Output> firstTime = exfiltrate(h, "s-1");
            Finding first = revoking(firstTime);
            assertThat(MonitorHarness.commandsIn(firstTime)).hasSize(1);
            h.feed(verdict("v-1", first, FeedbackVerdict.FALSE_POSITIVE, h.now()));

            // when the agent does the same in a new session
            List<Replayer.Output> again = exfiltrate(h, "s-2");

            // then the findings of that rule are published as suppressed, naming the analyst, and no command
            assertThat(MonitorHarness.findingsIn(again)).filteredOn(f -> f.getRule().equals(first.getRule()))
                    .isNotEmpty().allSatisfy(f -> {
                        assertThat(f.getDisposition()).isEqualTo(Disposition.SUPPRESSED);
                        assertThat(f.getAction()).isEqualTo(Action.NONE);
                        assertThat(f.getEvidence().getNotes()).anySatisfy(n -> assertThat(n)
                                .contains("analyst alice@corp.example marked finding " + first.getFindingId()));
                    });
            assertThat(MonitorHarness.commandsIn(again)).isEmpty();
            assertThat(h.session(MAILER, "s-2").response().isLearnable()).isTrue();

            // when the suppression has expired (feedback.suppression.ttl 1d) and the agent does it again
            h.advance(TTL.plusHours(1));
            assertThat(h.findingMemory(MAILER).suppressions(MAILER, h.now().toEpochMilli())).isEmpty();
            List<Replayer.Output> later = exfiltrate(h, "s-3");

            // then nothing is suppressed any more, and nothing revokes: the baseline learned the
            // suppressed session and the released destination
            assertThat(MonitorHarness.findingsIn(later))
                    .noneSatisfy(f -> assertThat(f.getDisposition()).isEqualTo(Disposition.SUPPRESSED));
            assertThat(MonitorHarness.commandsIn(later)).isEmpty();
        }
    }

    @Test
    void shouldReleaseTheImplicatedDestinationSoThatTheBaselineKnowsIt() {
        try (MonitorHarness h = harness()) {
            // given a revoke that implicated the paste site, and the session over
            Finding first = revoking(exfiltrate(h, "s-1"));
            closeSessions(h);
            Baseline before = h.baseline(MAILER);
            assertThat(before.destinations().isImplicated("paste.example")).isTrue();
            long learned = before.learnedSessions();

            // when the analyst calls it a false positive
            h.feed(verdict("v-1", first, FeedbackVerdict.FALSE_POSITIVE, h.now()));

            // then the destination is known at once, no longer implicated; nothing else was learned
            Baseline after = h.baseline(MAILER);
            assertThat(after.destinations().isImplicated("paste.example")).isFalse();
            assertThat(after.destinations().isKnown("paste.example", 3)).isTrue();
            assertThat(after.learnedSessions()).isEqualTo(learned);
        }
    }

    @Test
    void shouldLetAnOpenSessionBeLearnedOnceItsSeriousFindingsAreCleared() {
        // dry run: a revoke the broker does not confirm would be a HIGH finding of its own
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.RESPONSE_DRY_RUN, true))) {
            h.withBenignHistory();
            // given an open session with two HIGH findings (two sends out after the confidential read)
            List<Replayer.Output> outputs = new ArrayList<>(exfiltrate(h, "s-1"));
            outputs.addAll(h.call(sendTo("s-1", "t-s-1", "http_post", "https://drop.example/s-1", "drop.example")));
            List<Finding> serious = MonitorHarness.findingsIn(outputs).stream()
                    .filter(f -> f.getSeverity().ordinal() >= Severity.HIGH.ordinal()).toList();
            assertThat(serious).hasSize(2);
            assertThat(h.session(MAILER, "s-1").response().isLearnable()).isFalse();
            long learned = h.baseline(MAILER).learnedSessions();

            // when the analyst calls the first benign and expected
            h.feed(verdict("v-1", serious.get(0), FeedbackVerdict.BENIGN_EXPECTED, h.now()));

            // then the other still keeps the session from the baseline
            assertThat(h.session(MAILER, "s-1").response().isLearnable()).isFalse();

            // when the analyst clears the second too
            h.feed(verdict("v-2", serious.get(1), FeedbackVerdict.BENIGN_EXPECTED, h.now()));

            // then the session will be learned after all, and no suppression was created
            assertThat(h.session(MAILER, "s-1").response().isLearnable())
                    .as("remembered: %s", h.findingMemory(MAILER).remembered()).isTrue();
            assertThat(h.findingMemory(MAILER).analystSuppressions()).isEmpty();
            closeSessions(h);
            assertThat(h.baseline(MAILER).learnedSessions()).isEqualTo(learned + 1);
        }
    }

    @Test
    void shouldKeepAConfirmedSessionOutOfTheBaselineForGoodAndImplicateWhatItReached() {
        try (MonitorHarness h = harness()) {
            // given a session with only a MEDIUM finding (it would be learned), and a send to a new address
            h.issue(mailerToken("t-1", "s-1").setBoundaries(null));
            List<Replayer.Output> odd = h.call(Events.call(MAILER, "s-1", "t-1", "db_query", "db:finance.payments",
                    "finance", null).setOperation(Operation.READ).setSensitivity(Sensitivity.RESTRICTED));
            Finding medium = MonitorHarness.findingsIn(odd).stream()
                    .filter(f -> f.getSeverity() == Severity.MEDIUM).findFirst().orElseThrow();
            h.call(Events.replyToCustomer("s-1", "t-1", 1));
            long learned = h.baseline(MAILER).learnedSessions();

            // when the analyst confirms it as an attack
            h.feed(verdict("v-1", medium, FeedbackVerdict.TRUE_POSITIVE, h.now()));
            // and a later benign verdict on the same finding cannot undo that
            h.feed(verdict("v-2", medium, FeedbackVerdict.BENIGN_EXPECTED, h.now()));
            closeSessions(h);

            // then the session taught nothing, and the address it wrote to is implicated
            Baseline after = h.baseline(MAILER);
            assertThat(after.learnedSessions()).isEqualTo(learned);
            assertThat(after.destinations().isImplicated("customer-1@customer.example")).isTrue();
        }
    }

    @Test
    void shouldDeadLetterAVerdictOnAnUnknownFindingThatNamesNothingToActOn() {
        try (MonitorHarness h = harness()) {
            // when
            List<Replayer.Output> out = h.feed(FindingFeedback.newBuilder().setFeedbackId("v-x").setFindingId("f-gone")
                    .setAgentId(MAILER).setVerdict(FeedbackVerdict.FALSE_POSITIVE).setAnalyst("bob")
                    .setAt(h.now()).build());

            // then
            assertThat(out).isEmpty();
            assertThat(h.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("unknown-finding");
                assertThat(d.message()).contains("f-gone").contains("give a FALSE_POSITIVE its scope");
            });
        }
    }

    @Test
    void shouldSuppressByTheScopeAVerdictOnAForgottenFindingNames() {
        try (MonitorHarness h = harness()) {
            // given a verdict on a finding agentwatch no longer remembers, naming tool and destination
            h.feed(FindingFeedback.newBuilder().setFeedbackId("v-x").setFindingId("f-old").setAgentId(MAILER)
                    .setVerdict(FeedbackVerdict.FALSE_POSITIVE).setAnalyst("bob").setTool("http_post")
                    .setDestination("paste.example").setAt(h.now()).build());

            // when the agent posts there
            List<Replayer.Output> out = exfiltrate(h, "s-1");

            // then every finding about that call is suppressed, and the destination was released
            assertThat(MonitorHarness.findingsIn(out)).isNotEmpty()
                    .allSatisfy(f -> assertThat(f.getDisposition()).isEqualTo(Disposition.SUPPRESSED));
            assertThat(MonitorHarness.commandsIn(out)).isEmpty();
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldApplyAVerdictReadTwiceOnlyOnce() {
        try (MonitorHarness h = harness()) {
            Finding first = revoking(exfiltrate(h, "s-1"));
            FindingFeedback v = verdict("v-1", first, FeedbackVerdict.FALSE_POSITIVE, h.now());

            h.feed(v);
            h.feed(v);

            assertThat(h.findingMemory(MAILER).analystSuppressions()).hasSize(1);
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldApplyAVerdictWithoutMovingStreamTime() {
        try (MonitorHarness h = harness()) {
            // given a revoked exfiltration, and another session of the mailer in progress
            Finding first = revoking(exfiltrate(h, "s-1"));
            h.issue(mailerToken("t-2", "s-2"));
            h.call(readInbox("s-2", "t-2"));

            // when the analyst's verdict is stamped two hours ahead of the events (agentwatch catching
            // up on a backlog), then another agent's call comes a minute later in event time
            h.feed(verdict("v-1", first, FeedbackVerdict.FALSE_POSITIVE, h.now().plus(Duration.ofHours(2))));
            h.call(Events.call(Events.BILLING, "s-tick", null, "list_invoices", "invoices:open", "finance", null));

            // then the verdict is applied, and the session, idle for minutes of event time, is still open
            assertThat(h.findingMemory(MAILER).analystSuppressions()).hasSize(1);
            assertThat(h.session(MAILER, "s-2")).isNotNull();
            assertThat(h.deadLetters()).isEmpty();
        }
    }
}
