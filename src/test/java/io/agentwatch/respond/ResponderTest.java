package io.agentwatch.respond;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.Detection;
import io.agentwatch.model.Call;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponderTest {
    private static final long T0 = Instant.parse("2026-01-12T09:00:00Z").toEpochMilli();

    private final SessionState session = new SessionState(MAILER, "s-1", T0);
    private final Map<String, TokenState> own = new HashMap<>();
    private final Map<String, TokenState> index = new HashMap<>();
    private final Call call = Baselines.call(Events.crmLookup("s-1", "t-1").setSensitivity(
            io.agentwatch.avro.Sensitivity.CONFIDENTIAL), T0, "e-1");

    ResponderTest() {
        own.put("t-1", token(MAILER, "t-1", "s-1"));
        own.put("t-2", token(MAILER, "t-2", "s-other"));
        index.put("t-billing", token(BILLING, "t-billing", "s-b"));
    }

    private static TokenState token(String agent, String id, String sessionId) {
        return TokenState.of(Events.token(agent, id, sessionId, Events.MAILER_SCOPES, null)
                .setIssuedAt(Instant.ofEpochMilli(T0 - 60_000)).setExpiresAt(Instant.ofEpochMilli(T0 + 3_600_000))
                .build());
    }

    private final TokenLookup tokens = new MapTokenLookup(own, index);

    private static Responder responder(Map<String, Object> config, Suppressions suppressions) {
        return new Responder(new ResponsePolicy(ResponseSettings.from(new AgentwatchConfig(config))), suppressions);
    }

    private Response respond(Responder r, Detection... detections) {
        Response out = r.respond(List.of(detections), new Responder.Input(session, call, call.eventId(), T0, T0,
                BaselineState.ACTIVE, true, List.of()), tokens);
        session.response().apply(out.memory());
        return out;
    }

    private static Detection detection(String rule, Severity severity, RevokeScope scope, String key) {
        return Detection.of(Detection.CROSS_BOUNDARY, rule, severity, 85).revoke(scope).key(key)
                .summary(rule + " happened").event("e-1").token("t-1").implicate("drop@attacker.example").build();
    }

    private static List<Finding> findings(Response r) {
        return r.records().stream().filter(x -> x instanceof Finding).map(x -> (Finding) x).toList();
    }

    @Test
    void shouldListEveryRevokingFindingOfTheEventInTheOneCommandAndGiveThemItsAction() {
        // when one call yields a token violation and a session-wide chain
        Response r = respond(responder(Map.of(), Suppressions.none()),
                detection("scope.not_granted", Severity.HIGH, RevokeScope.TOKEN, "scope"),
                detection("chain.exfiltration", Severity.HIGH, RevokeScope.SESSION, "chain"));

        // then one command, the session's, naming both findings, the widest first
        RevokeCommand c = r.command();
        assertThat(r.records()).filteredOn(x -> x instanceof RevokeCommand).containsExactly(c);
        assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
        assertThat(c.getTokenIds()).containsExactly("t-1");
        List<Finding> f = findings(r);
        assertThat(f).extracting(Finding::getAction).containsOnly(Action.REVOKE_SESSION);
        assertThat(f).extracting(Finding::getDisposition).containsOnly(Disposition.TAKEN);
        assertThat(c.getFindingIds()).containsExactly(f.get(1).getFindingId(), f.get(0).getFindingId());
        assertThat(r.records().indexOf(c)).isEqualTo(r.records().indexOf(f.get(1)) + 1);
        assertThat(r.ordered()).extracting(TokenState::tokenId).containsExactly("t-1");
        assertThat(session.response().revoked()).isEqualTo(RevokeScope.SESSION);
        assertThat(session.response().implicated()).containsExactly("drop@attacker.example");
    }

    @Test
    void shouldReportOneFindingPerRuleAndEventMergingTheEvidenceOfBothViews() {
        // when the boundary view and the destination view both call the same send a toxic flow
        Detection byBoundary = Detection.of(Detection.CROSS_BOUNDARY, "chain.toxic_flow", Severity.HIGH, 85)
                .revoke(RevokeScope.SESSION).key("chain:paste.example").summary("into a new boundary")
                .event("e-read").event("e-1").boundary("paste.example").build();
        Detection byDestination = Detection.of(Detection.CROSS_BOUNDARY, "chain.toxic_flow", Severity.CRITICAL, 95)
                .revoke(RevokeScope.SESSION).key("destination:drop@paste.example").summary("to a new recipient")
                .event("e-inbox").event("e-1").implicate("drop@paste.example").build();
        Response r = respond(responder(Map.of(), Suppressions.none()), byBoundary, byDestination);

        // then one finding, with the stronger severity and both sets of evidence, both keys raised
        assertThat(findings(r)).singleElement().satisfies(f -> {
            assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.getSummary()).isEqualTo("to a new recipient");
            assertThat(f.getEvidence().getEventIds()).containsExactly("e-read", "e-1", "e-inbox");
        });
        assertThat(session.response().raised("chain:paste.example")).isTrue();
        assertThat(session.response().raised("destination:drop@paste.example")).isTrue();
        assertThat(session.response().implicated()).containsExactly("drop@paste.example");
    }

    @Test
    void shouldSayAnEarlierCommandCoversALaterRevokeOfTheSameSession() {
        // given the session was revoked
        Responder r = responder(Map.of(), Suppressions.none());
        respond(r, detection("chain.exfiltration", Severity.HIGH, RevokeScope.SESSION, "chain:a"));

        // when another incident of the session decides a revoke
        Response later = respond(r, detection("chain.toxic_flow", Severity.HIGH, RevokeScope.SESSION, "chain:b"));

        // then no command, and the finding says why
        assertThat(later.command()).isNull();
        assertThat(later.deduplicated()).isTrue();
        assertThat(findings(later)).singleElement().satisfies(f -> {
            assertThat(f.getAction()).isEqualTo(Action.ALERT);
            assertThat(f.getDisposition()).isEqualTo(Disposition.DEDUPLICATED);
        });
    }

    @Test
    void shouldNotReportAKeyTheSessionAlreadyRaised() {
        // given
        Responder r = responder(Map.of(), Suppressions.none());
        respond(r, detection("chain.exfiltration", Severity.LOW, RevokeScope.SESSION, "dest:a"));

        // when
        Response again = respond(r, detection("chain.exfiltration", Severity.LOW, RevokeScope.SESSION, "dest:a"));

        // then
        assertThat(again.records()).isEmpty();
    }

    @Test
    void shouldPublishNoCommandInDryRunAndSaySo() {
        // when
        Response r = respond(responder(Map.of(AgentwatchConfig.RESPONSE_DRY_RUN, "true"), Suppressions.none()),
                detection("chain.exfiltration", Severity.HIGH, RevokeScope.SESSION, "chain"));

        // then
        assertThat(r.command()).isNull();
        assertThat(findings(r)).singleElement().satisfies(f -> {
            assertThat(f.getAction()).isEqualTo(Action.ALERT);
            assertThat(f.getDisposition()).isEqualTo(Disposition.DRY_RUN);
        });
        assertThat(session.response().revoked()).isNull();
    }

    @Test
    void shouldPublishASuppressedFindingWithActionNoneAndLetTheSessionStayLearnable() {
        // given
        Suppressions rules = Suppressions.of(List.of(new Suppressions.Rule(MAILER, null, null, null, "chain.*",
                "known partner")));

        // when
        Response r = respond(responder(Map.of(), rules),
                detection("chain.exfiltration", Severity.HIGH, RevokeScope.SESSION, "chain"));

        // then
        assertThat(r.command()).isNull();
        assertThat(r.suppressed()).containsExactly("chain.exfiltration");
        assertThat(findings(r)).singleElement().satisfies(f -> {
            assertThat(f.getAction()).isEqualTo(Action.NONE);
            assertThat(f.getDisposition()).isEqualTo(Disposition.SUPPRESSED);
            assertThat(f.getSessionRisk()).isZero();
        });
        assertThat(session.response().isLearnable()).isTrue();
        assertThat(session.response().implicated()).isEmpty();
    }

    @Test
    void shouldRevokeAnotherAgentsStolenTokenWithACommandToItsOwner() {
        // when
        Detection stolen = Detection.of(io.agentwatch.detect.Detection.CREDENTIAL, "token.foreign", Severity.CRITICAL, 95)
                .revoke(RevokeScope.SESSION).key("token.foreign:t-billing").summary("stolen").event("e-1")
                .otherAgentsToken("t-billing").build();
        Response r = respond(responder(Map.of(), Suppressions.none()), stolen);

        // then the presenter's session, and the owner's token
        assertThat(r.records()).filteredOn(x -> x instanceof RevokeCommand).map(x -> (RevokeCommand) x)
                .extracting(RevokeCommand::getAgentId, RevokeCommand::getScope, RevokeCommand::getTokenIds)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MAILER, RevokeScope.SESSION, List.of("t-1")),
                        org.assertj.core.groups.Tuple.tuple(BILLING, RevokeScope.TOKEN, List.of("t-billing")));
    }

    @Test
    void shouldWidenATokenRevokeToTheSessionWhenNoneOfTheNamedTokensIsTheAgentsOwn() {
        // when
        Detection d = Detection.of(Detection.CREDENTIAL, "token.unknown", Severity.HIGH, 70)
                .revoke(RevokeScope.TOKEN).key("unknown").summary("unknown token").token("t-ghost").build();
        Response r = respond(responder(Map.of(), Suppressions.none()), d);

        // then
        assertThat(r.command().getScope()).isEqualTo(RevokeScope.SESSION);
        assertThat(findings(r).get(0).getAction()).isEqualTo(Action.REVOKE_SESSION);
    }
}
