package io.agentwatch.respond;

import static io.agentwatch.testing.Events.BILLING;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.Detection;
import io.agentwatch.model.Call;
import io.agentwatch.state.PendingApproval;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import io.agentwatch.trust.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The responder's step-up approval: which findings ask a person, the SUSPEND command, and the decisions. */
class StepUpApprovalTest {
    private static final long T0 = Instant.parse("2026-01-12T09:00:00Z").toEpochMilli();
    private static final SigningKey KEY = SigningKey.generate();

    private final SessionState session = new SessionState(BILLING, "s-1", T0);
    private final Map<String, TokenState> own = new HashMap<>();
    private String waitingOn;

    StepUpApprovalTest() {
        own.put("t-1", TokenState.of(Events.token(BILLING, "t-1", "s-1", List.of("payments:refund"), null)
                .setIssuedAt(Instant.ofEpochMilli(T0 - 60_000)).setExpiresAt(Instant.ofEpochMilli(T0 + 3_600_000))
                .build()));
    }

    private final TokenLookup tokens = new MapTokenLookup(own, Map.of()) {
        @Override
        public String suspendedBy(String tokenId) {
            return waitingOn;
        }
    };

    private static Responder responder(String when, boolean dryRun) {
        ResponseSettings defaults = ResponseSettings.from(new AgentwatchConfig(Map.of()));
        ResponseSettings settings = new ResponseSettings(dryRun, defaults.alertMinSeverity(),
                defaults.revokeMinSeverity(), defaults.revokeSessionRisk(), defaults.revokeAgentRules(),
                defaults.readOnlyMaxAction(), defaults.highImpactMinAction(), defaults.commandTtlMs(),
                CommandSigner.with(KEY));
        return new Responder(new ResponsePolicy(settings), Suppressions.none(), ApprovalPolicy.from(
                new AgentwatchConfig(Map.of(AgentwatchConfig.RESPONSE_APPROVAL_WHEN, when))));
    }

    private static Call refund() {
        return Baselines.call(Events.call(BILLING, "s-1", "t-1", "refund_payment", "payments:refund/INV-7",
                "finance", "payments:refund"), T0, "e-9");
    }

    private Response respond(Responder r, Call call, Detection... detections) {
        Response out = r.respond(List.of(detections), new Responder.Input(session, call, call.eventId(), T0, T0,
                BaselineState.ACTIVE, true, List.of()), tokens);
        session.response().apply(out.memory());
        return out;
    }

    private static Detection medium(String rule) {
        return Detection.of(Detection.SCOPE_DRIFT, rule, Severity.MEDIUM, 25).revoke(RevokeScope.SESSION)
                .key(rule).summary(rule + " on a refund").event("e-9").token("t-1").build();
    }

    private static List<Finding> findings(Response r) {
        return r.records().stream().filter(x -> x instanceof Finding).map(x -> (Finding) x).toList();
    }

    @Test
    void shouldSuspendTheTokenOfAHighImpactCallRatedMediumWithASignedCommand() {
        // when a refund (money) is rated MEDIUM
        Response r = respond(responder("money", false), refund(), medium("drift.action"));

        // then the finding requires approval and a SUSPEND command right after it holds the call's token
        Finding f = findings(r).get(0);
        assertThat(f.getAction()).isEqualTo(Action.REQUIRE_APPROVAL);
        assertThat(f.getEvidence().getNotes()).anyMatch(n -> n.contains("step-up approval (money)"));
        RevokeCommand c = r.command();
        assertThat(c.getScope()).isEqualTo(RevokeScope.SUSPEND);
        assertThat(c.getTokenIds()).containsExactly("t-1");
        assertThat(c.getFindingIds()).containsExactly(f.getFindingId());
        assertThat(c.getTriggerEventId()).isEqualTo("e-9");
        assertThat(r.records()).containsExactly(f, c);
        assertThat(new CommandVerifier(KEY.asTrusted(), Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC))
                .verify(c).accepted()).isTrue();
        // a suspension is not a revoke: nothing awaits the broker's TokenRevoked, the session is not revoked
        assertThat(r.ordered()).isEmpty();
        assertThat(session.response().revoked()).isNull();
    }

    @Test
    void shouldLeaveMediumAnAlertForCallsNotConfiguredOrWithApprovalOff() {
        Call restrictedWrite = Baselines.call(Events.call(BILLING, "s-1", "t-1", "update_ledger", "db:ledger", "finance",
                "payments:refund").setOperation(Operation.WRITE).setSensitivity(Sensitivity.RESTRICTED), T0, "e-9");

        assertThat(findings(respond(responder("money", false), restrictedWrite, medium("a"))).get(0).getAction())
                .isEqualTo(Action.ALERT);
        assertThat(findings(respond(responder("restricted-write", false), restrictedWrite, medium("b"))).get(0)
                .getAction()).isEqualTo(Action.REQUIRE_APPROVAL);
        assertThat(findings(respond(new Responder(new ResponsePolicy(ResponseSettings.from(new AgentwatchConfig(
                Map.of()))), Suppressions.none()), refund(), medium("c"))).get(0).getAction()).isEqualTo(Action.ALERT);
    }

    @Test
    void shouldNotAskWhileTheAgentIsStillLearning() {
        Call call = refund();
        Response r = responder("money", false).respond(List.of(medium("chain.cross_boundary")),
                new Responder.Input(session, call, call.eventId(), T0, T0, BaselineState.LEARNING, true, List.of()), tokens);

        assertThat(r.command()).isNull();
        assertThat(findings(r).get(0).getAction()).isEqualTo(Action.ALERT);
    }

    @Test
    void shouldRevokeRatherThanAskWhenTheCallIsHigh() {
        Detection high = Detection.of(Detection.CROSS_BOUNDARY, "chain.exfiltration", Severity.HIGH, 85)
                .revoke(RevokeScope.SESSION).key("chain").summary("x").token("t-1").build();

        Response r = respond(responder("money", false), refund(), medium("drift.action"), high);

        assertThat(r.command().getScope()).isEqualTo(RevokeScope.SESSION);
        assertThat(findings(r)).extracting(Finding::getAction).containsExactly(Action.ALERT, Action.REVOKE_SESSION);
    }

    @Test
    void shouldNotSuspendTwiceNorInDryRun() {
        waitingOn = "rc-earlier";
        Response again = respond(responder("money", false), refund(), medium("drift.action"));
        assertThat(again.command()).isNull();
        assertThat(findings(again).get(0).getDisposition()).isEqualTo(Disposition.DEDUPLICATED);
        assertThat(findings(again).get(0).getEvidence().getNotes()).anyMatch(n -> n.contains("rc-earlier"));

        waitingOn = null;
        Response dry = respond(responder("money", true), refund(), medium("drift.other"));
        assertThat(dry.command()).isNull();
        assertThat(findings(dry).get(0).getAction()).isEqualTo(Action.ALERT);
        assertThat(findings(dry).get(0).getDisposition()).isEqualTo(Disposition.DRY_RUN);
    }

    @Test
    void shouldHoldAFirstMessageToANeverSeenPartyAfterUntrustedInputThoughItIsOnlyLow() {
        // given the session read untrusted content
        session.record(Baselines.call(Events.call(BILLING, "s-1", "t-1", "read_inbox"), T0 - 30_000, "e-8"),
                SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        Call send = Baselines.call(Events.call(BILLING, "s-1", "t-1", "send_email", "mailto:new@partner.example",
                "customer-mail", "payments:refund"), T0, "e-9");
        Detection newParty = Detection.of(Detection.CROSS_BOUNDARY, "chain.new_destination", Severity.LOW, 5)
                .key("destination").summary("new party").observe(Observation.newBuilder().setGrain("destination")
                        .setValue("new@partner.example").setVerdict("UNSEEN").build()).build();

        // when it sends to a party it never reached
        Response r = respond(responder("new-party", false), send, newParty);

        // then the LOW finding holds the token for a person's decision
        assertThat(findings(r).get(0).getSeverity()).isEqualTo(Severity.LOW);
        assertThat(findings(r).get(0).getAction()).isEqualTo(Action.REQUIRE_APPROVAL);
        assertThat(r.command().getScope()).isEqualTo(RevokeScope.SUSPEND);
    }

    private PendingApproval pending() {
        return new PendingApproval("rc-suspend", "s-1", List.of("t-1"), List.of("f-1"), "e-9", "a refund of INV-7",
                T0, T0 + 900_000, 0);
    }

    private static ApprovalDecision decision(ApprovalVerdict verdict, String approver) {
        return ApprovalDecision.newBuilder().setDecisionId("d-1").setAgentId(BILLING).setCommandId("rc-suspend")
                .setVerdict(verdict).setApprover(approver).setDecidedAt(Instant.ofEpochMilli(T0 + 60_000))
                .setReason("customer called").build();
    }

    private Responder.Input at(long time, String trigger) {
        return new Responder.Input(session, null, trigger, time, time, BaselineState.ACTIVE, true, List.of());
    }

    @Test
    void shouldResumeAnApprovedSuspensionNamingWhoApproved() {
        Response r = responder("money", false).decided(decision(ApprovalVerdict.APPROVE, "alice@corp.example"),
                pending(), at(T0 + 60_000, "d-1"), tokens);

        Finding f = findings(r).get(0);
        assertThat(f.getRule()).isEqualTo("approval.approved");
        assertThat(f.getDecidedBy()).isEqualTo("alice@corp.example");
        assertThat(f.getSummary()).contains("alice@corp.example").contains("customer called");
        assertThat(f.getAction()).isEqualTo(Action.NONE);
        assertThat(r.command().getScope()).isEqualTo(RevokeScope.RESUME);
        assertThat(r.command().getTokenIds()).containsExactly("t-1");
        assertThat(r.command().getSignature()).isNotNull();
        assertThat(session.response().revoked()).isNull();
    }

    @Test
    void shouldRevokeTheSessionWhenDeniedOrWhenNobodyDecides() {
        Response denied = responder("money", false).decided(decision(ApprovalVerdict.DENY, "bob@corp.example"),
                pending(), at(T0 + 60_000, "d-1"), tokens);
        assertThat(findings(denied).get(0).getRule()).isEqualTo("approval.denied");
        assertThat(findings(denied).get(0).getDecidedBy()).isEqualTo("bob@corp.example");
        assertThat(denied.command().getScope()).isEqualTo(RevokeScope.SESSION);
        assertThat(denied.command().getTokenIds()).containsExactly("t-1");

        SessionState other = new SessionState(BILLING, "s-1", T0);
        Response timedOut = responder("money", false).timedOut(pending(), new Responder.Input(other, null,
                "rc-suspend", T0 + 900_000, T0, BaselineState.ACTIVE, true, List.of()), tokens);
        assertThat(findings(timedOut).get(0).getRule()).isEqualTo("approval.timeout");
        assertThat(findings(timedOut).get(0).getSummary()).contains("15 min");
        assertThat(timedOut.command().getScope()).isEqualTo(RevokeScope.SESSION);
        assertThat(timedOut.command().getIssuedAt()).as("when the time-out was noticed")
                .isEqualTo(Instant.ofEpochMilli(T0 + 900_000));
    }

    @Test
    void shouldReportADecisionThatAnswersNothingWaiting() {
        Response r = responder("money", false).unmatched(decision(ApprovalVerdict.APPROVE, "alice@corp.example"),
                at(T0 + 60_000, "d-1"), tokens);

        assertThat(r.command()).isNull();
        assertThat(findings(r)).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("approval.unmatched");
            assertThat(f.getDecidedBy()).isEqualTo("alice@corp.example");
        });
    }
}
