package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.DetectorRun;
import io.agentwatch.testing.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainDetectorTest {
    private static final long T0 = BenignHistory.end().toEpochMilli();

    private final Baseline active = Baselines.afterBenignHistory(MAILER);
    private final DetectorRun run = new DetectorRun(new ChainDetector(), MAILER, T0);

    private static TokenState token(List<String> boundaries) {
        return TokenState.of(Events.mailerToken("t", "s").setBoundaries(boundaries)
                .setIssuedAt(Instant.ofEpochMilli(T0)).setExpiresAt(Instant.ofEpochMilli(T0 + 3_600_000)).build());
    }

    private List<Detection> judge(Baseline baseline, TokenState token, ToolCall.Builder... calls) {
        return run.judge(baseline, token, calls);
    }

    private static ToolCall.Builder paste(String eventId) {
        return Events.sendTo("s", "t", "http_post", "https://paste.example/x", "paste.example").setEventId(eventId);
    }

    @Test
    void shouldRevokeFromTheFirstEventWhenSensitiveDataLeavesTheTokensBoundaries() {
        // given a brand-new agent (baseline LEARNING) whose token allows corp and customer-mail
        // when it reads the CRM and posts to a paste site
        List<Detection> found = judge(new Baseline(), token(Events.MAILER_BOUNDARIES),
                Events.crmLookup("s", "t").setEventId("e-crm"), paste("e-send"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.exfiltration");
            assertThat(d.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(d.eventIds()).containsExactly("e-crm", "e-send");
            assertThat(d.boundaries()).containsExactly("corp", "paste.example");
            assertThat(d.summary()).contains("outside the boundaries its token allows");
        });
    }

    @Test
    void shouldOnlyAlertWhileLearningWhenDataGoesToABoundaryNotUsedSoFar() {
        // when
        List<Detection> found = judge(new Baseline(), token(null), Events.crmLookup("s", "t"), paste("e-send"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.cross_boundary");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(d.notes()).anySatisfy(note -> assertThat(note).contains("LEARNING"));
        });
    }

    @Test
    void shouldFlagExfiltrationToADestinationTheAgentNeverUsedHighOnceActive() {
        // when, with a token that does not restrict boundaries
        List<Detection> found = judge(active, token(null), Events.readInbox("s", "t").setEventId("e-inbox"),
                Events.crmLookup("s", "t").setEventId("e-crm"), paste("e-send"));

        // then: the inbound mail read first is untrusted input, so this chain is the toxic flow
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.toxic_flow");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.eventIds()).containsExactly("e-inbox", "e-crm", "e-send");
            assertThat(d.observations()).extracting(o -> o.getGrain() + " " + o.getVerdict())
                    .contains("egress UNSEEN", "boundary UNSEEN");
        });
    }

    @Test
    void shouldRaiseExfiltrationOfRestrictedDataToCritical() {
        // when
        List<Detection> found = judge(active, token(null),
                Events.call(MAILER, "s", "t", "read_secret", "vault:prod", "corp", null), paste("e-send"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(d.score()).isEqualTo(95);
        });
    }

    @Test
    void shouldStayQuietForTheAgentsUsualReplyAfterReadingTheCrm() {
        // when
        List<Detection> found = judge(active, token(Events.MAILER_BOUNDARIES), Events.readInbox("s", "t"),
                Events.crmLookup("s", "t"), Events.replyToCustomer("s", "t", 2));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldNoteAKnownDestinationReachedAlongANewDataFlowAsLow() {
        // when data read in hr goes to the usual customer mail
        List<Detection> found = judge(active, token(null),
                Events.call(MAILER, "s", "t", "hr_lookup", "hr:people", "hr", null),
                Events.replyToCustomer("s", "t", 2));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.cross_boundary");
            assertThat(d.severity()).isEqualTo(Severity.LOW);
            assertThat(d.observations()).extracting(o -> o.getGrain() + " " + o.getValue())
                    .containsExactly("flow hr->customer-mail");
        });
    }

    @Test
    void shouldNotFlagAWriteBackIntoTheBoundaryTheDataCameFrom() {
        // when
        List<Detection> found = judge(active, token(null), Events.crmLookup("s", "t"),
                Events.call(MAILER, "s", "t", "update_ticket", "ticket:1", "corp", null));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldFlagToxicFlowOfUntrustedInputPrivateDataAndAnExternalSink() {
        // when a fetched web page is followed by a read of private data whose boundary nobody
        // labelled, and a public share of a corp document
        List<Detection> found = judge(active, token(null),
                Events.call(MAILER, "s", "t", "web_fetch").setTarget("https://evil.example/page").setEventId("e-web"),
                Events.crmLookup("s", "t").setBoundary(null).setEventId("e-crm"),
                Events.call(MAILER, "s", "t", "share_document", "link:anyone", "corp", null).setEventId("e-share"));

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.toxic_flow");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.eventIds()).containsExactly("e-web", "e-crm", "e-share");
        });
    }

    @Test
    void shouldNotCallItToxicWhenTheSinkStaysInTheBoundaryThePrivateDataCameFrom() {
        // when the private data was read in corp and the share goes to corp too
        List<Detection> found = judge(active, token(null),
                Events.call(MAILER, "s", "t", "web_fetch").setTarget("https://evil.example/page"),
                Events.crmLookup("s", "t"),
                Events.call(MAILER, "s", "t", "share_document", "link:anyone", "corp", null));

        // then
        assertThat(found).noneMatch(d -> d.rule().equals("chain.toxic_flow"));
    }

    @Test
    void shouldRaiseEachDestinationBoundaryOncePerSession() {
        // when
        List<Detection> found = judge(active, token(null), Events.crmLookup("s", "t"), paste("e-1"), paste("e-2"),
                Events.sendTo("s", "t", "http_post", "https://paste.example/other", "paste.example").setEventId("e-3"));

        // then: new recipients inside the boundary are the destination detector's
        assertThat(found).extracting(d -> d.eventIds().get(d.eventIds().size() - 1)).containsExactly("e-1");
    }

    @Test
    void shouldJudgeAKnownBoundaryByItsPartiesWhenTheyAreKnown() {
        // given a baseline whose agent posts to paste.example (web hooks) in three clean sessions
        Baseline b = Baselines.afterBenignHistory(MAILER);
        for (int i = 0; i < 3; i++) {
            io.agentwatch.state.SessionState s = new io.agentwatch.state.SessionState(MAILER, "p" + i, T0 - 86_400_000L);
            s.record(Baselines.call(paste("p-" + i), T0 - 86_400_000L + i, "p-" + i),
                    io.agentwatch.state.SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
            b.sessionEnded(s, T0 - 86_000_000L, Baselines.DEFAULT_POLICY);
        }

        // when it reads the CRM and posts there again
        List<Detection> found = judge(b, token(null), Events.crmLookup("s", "t"), paste("e-send"));

        // then the boundary paste.example is known as a destination: no chain finding (a new flow at most)
        assertThat(found).noneMatch(d -> d.atLeast(Severity.MEDIUM));
    }

    @Test
    void shouldFlagBoundaryHoppingBeyondTheLimitAndTheAgentsUsual() {
        // when one read each in five boundaries within five minutes
        List<Detection> upToLimit = judge(active, token(null), Events.listFolders("s", "t"),
                Events.call(MAILER, "s", "t", "list_a", "x", "zone-a", null),
                Events.call(MAILER, "s", "t", "list_b", "x", "zone-b", null),
                Events.call(MAILER, "s", "t", "list_c", "x", "zone-c", null));
        List<Detection> beyond = judge(active, token(null),
                Events.call(MAILER, "s", "t", "list_d", "x", "zone-d", null).setEventId("e-fifth"));

        // then
        assertThat(upToLimit).isEmpty();
        assertThat(beyond).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.boundary_hopping");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(d.eventIds()).containsExactly("e-fifth");
        });
    }

    @Test
    void shouldNotFlagBoundariesVisitedFurtherApartThanTheWindow() {
        // given
        List<Detection> found = new ArrayList<>();
        for (String zone : List.of("corp", "zone-a", "zone-b", "zone-c", "zone-d", "zone-e")) {
            // when one boundary every 4 minutes (window 10 minutes)
            found.addAll(judge(active, token(null), Events.call(MAILER, "s", "t", "list_" + zone, "x", zone, null)));
            run.at(run.time() + 3 * 60_000L);
        }

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldWaitForAnActiveBaselineBeforeJudgingBoundaryHopping() {
        // when
        List<Detection> found = judge(new Baseline(), token(null),
                Events.call(MAILER, "s", "t", "a", "x", "z1", null).setOperation(Operation.READ)
                        .setSensitivity(Sensitivity.PUBLIC),
                Events.call(MAILER, "s", "t", "b", "x", "z2", null).setOperation(Operation.READ),
                Events.call(MAILER, "s", "t", "c", "x", "z3", null).setOperation(Operation.READ),
                Events.call(MAILER, "s", "t", "d", "x", "z4", null).setOperation(Operation.READ),
                Events.call(MAILER, "s", "t", "e", "x", "z5", null).setOperation(Operation.READ));

        // then
        assertThat(found).isEmpty();
    }
}
