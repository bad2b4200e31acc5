package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.BILLING_BOUNDARIES;
import static io.agentwatch.testing.Events.BILLING_SCOPES;
import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.ORCHESTRATOR;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.delegatedBy;
import static io.agentwatch.testing.Events.denied;
import static io.agentwatch.testing.Events.listFolders;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static io.agentwatch.testing.Events.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CredentialEnforcementTopologyTest {
    private final MonitorHarness h = MonitorHarness.create();

    @AfterEach
    void close() {
        h.close();
    }

    private static Finding only(List<Replayer.Output> out, String rule) {
        List<Finding> matching = MonitorHarness.findingsIn(out).stream().filter(f -> f.getRule().equals(rule)).toList();
        assertThat(matching).as("findings %s in %s", rule, MonitorHarness.findingsIn(out)).hasSize(1);
        return matching.get(0);
    }

    @Test
    void shouldRevokeSessionWhenACallPresentsATokenNoIssuanceAnnouncedEvenBeforeAnyBaseline() {
        // when a brand-new agent reads its inbox with a token nobody issued
        List<Replayer.Output> out = h.call(readInbox("s-1", "t-ghost").setEventId("e-1"));

        // then
        Finding f = only(out, "token.unknown");
        assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(MonitorHarness.commandsIn(out)).singleElement().satisfies(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(c.getSessionId()).isEqualTo("s-1");
            assertThat(c.getTriggerEventId()).isEqualTo("e-1");
        });
    }

    @Test
    void shouldRevokeSessionWhenAnExpiredTokenIsUsed() {
        // given an ACTIVE mailer and a one-hour token used once
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-1"));
        h.call(readInbox("s-1", "t-1"));

        // when it is used again 65 minutes after its issue
        h.advance(Duration.ofMinutes(63));
        List<Replayer.Output> out = h.call(crmLookup("s-1", "t-1").setEventId("e-late"));

        // then
        Finding f = only(out, "token.expired");
        assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(MonitorHarness.commandsIn(out)).singleElement()
                .satisfies(c -> assertThat(c.getTriggerEventId()).isEqualTo("e-late"));
    }

    @Test
    void shouldRevokeSessionWhenATokenIsUsedAfterTheBrokerRevokedIt() {
        // given
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-1"));
        h.call(readInbox("s-1", "t-1"));
        h.brokerRevokes(MAILER, "t-1");

        // when
        List<Replayer.Output> out = h.call(crmLookup("s-1", "t-1"));

        // then
        Finding f = only(out, "token.revoked");
        assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(MonitorHarness.commandsIn(out)).hasSize(1);
    }

    @Test
    void shouldRevokeTheStolenTokenForItsOwnerAndThePresentersSessionWhenATokenOfAnotherAgentIsPresented() {
        // given the billing bot's token, announced on the billing bot's key, and a token of the mailer's own
        // for another session
        h.withBenignHistory();
        h.issue(token(BILLING, "t-billing", "s-b", BILLING_SCOPES, BILLING_BOUNDARIES));
        h.issue(mailerToken("t-other", "s-other"));
        h.issue(mailerToken("t-own", "s-stolen"));
        assertThat(h.token(MAILER, "t-billing")).isNull();
        assertThat(h.indexed("t-billing").getAgentId()).isEqualTo(BILLING);

        // when the mailer presents the billing bot's token
        List<Replayer.Output> out = h.call(Events.call(MAILER, "s-stolen", "t-billing", "lookup_account",
                "crm:accounts", "finance", "billing:read").setSensitivity(Sensitivity.CONFIDENTIAL)
                .setEventId("e-stolen"));

        // then the cross-agent index exposes the theft: the presenter's session goes, and the stolen
        // token is revoked by a TOKEN command to its owner; the mailer's other session is untouched
        Finding f = only(out, "token.foreign");
        assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(f.getSummary()).contains(BILLING);
        assertThat(f.getEvidence().getNotes()).anySatisfy(n -> assertThat(n).contains("token index"));
        assertThat(MonitorHarness.commandsIn(out)).hasSize(2);
        assertThat(MonitorHarness.commandsIn(out)).anySatisfy(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(c.getAgentId()).isEqualTo(MAILER);
            assertThat(c.getSessionId()).isEqualTo("s-stolen");
            assertThat(c.getTokenIds()).containsExactly("t-own");
            assertThat(c.getTriggerEventId()).isEqualTo("e-stolen");
        });
        assertThat(MonitorHarness.commandsIn(out)).anySatisfy(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(c.getAgentId()).isEqualTo(BILLING);
            assertThat(c.getTokenIds()).containsExactly("t-billing");
            assertThat(c.getFindingIds()).containsExactly(f.getFindingId());
        });
    }

    @Test
    void shouldRevokeEveryTokenOfTheAgentForATokenForeignWhenConfiguredAgentWide() {
        // given agent-wide revocation for stolen tokens
        try (MonitorHarness agentWide = MonitorHarness.create(Map.of(AgentwatchConfig.RESPONSE_REVOKE_AGENT_RULES,
                "token.foreign"))) {
            agentWide.withBenignHistory();
            agentWide.issue(token(BILLING, "t-billing", "s-b", BILLING_SCOPES, BILLING_BOUNDARIES));
            agentWide.issue(mailerToken("t-other", "s-other"));

            // when
            List<Replayer.Output> out = agentWide.call(Events.call(MAILER, "s-stolen", "t-billing", "lookup_account",
                    "crm:accounts", "finance", "billing:read").setSensitivity(Sensitivity.CONFIDENTIAL)
                    .setEventId("e-stolen"));

            // then
            assertThat(only(out, "token.foreign").getAction()).isEqualTo(Action.REVOKE_AGENT);
            assertThat(MonitorHarness.commandsIn(out)).anySatisfy(c -> {
                assertThat(c.getScope()).isEqualTo(RevokeScope.AGENT);
                assertThat(c.getTokenIds()).containsExactly("t-other");
            });
        }
    }

    @Test
    void shouldNotLetARevocationKeyedByAnotherAgentRemoveTheOwnersTokenFromTheIndex() {
        // given the billing bot's live token
        h.issue(token(BILLING, "t-billing", "s-b", BILLING_SCOPES, BILLING_BOUNDARIES));

        // when a revocation of it arrives keyed by (and naming) the mailer
        h.brokerRevokes(MAILER, "t-billing");

        // then the index still knows the owner, so the mailer presenting it is still a theft
        assertThat(h.indexed("t-billing").getAgentId()).isEqualTo(BILLING);
        assertThat(MonitorHarness.findingsIn(h.call(readInbox("s-1", "t-billing")))).extracting(Finding::getRule)
                .contains("token.revoked");
    }

    @Test
    void shouldNotCallATokenForeignOnceItsOwnerRevokedItButStillUnknown() {
        // given the billing bot's token, revoked by the broker (a tombstone in the index)
        h.issue(token(BILLING, "t-billing", "s-b", BILLING_SCOPES, BILLING_BOUNDARIES));
        h.brokerRevokes(BILLING, "t-billing");
        assertThat(h.indexed("t-billing")).isNull();

        // when the mailer presents it
        List<Replayer.Output> out = h.call(readInbox("s-1", "t-billing"));

        // then
        assertThat(MonitorHarness.findingsIn(out)).extracting(Finding::getRule).containsExactly("token.unknown");
    }

    @Test
    void shouldRevokeTheTokenWhenACallNeedsAScopeItDoesNotGrant() {
        // given
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-1"));

        // when the mailer asks the CRM with a scope outside its token
        List<Replayer.Output> out = h.call(Events.call(MAILER, "s-1", "t-1", "crm_lookup", "crm:customers", "corp",
                "crm:export").setEventId("e-export"));

        // then
        Finding f = only(out, "scope.not_granted");
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_TOKEN);
        assertThat(f.getObservations()).singleElement().satisfies(o -> assertThat(o.getValue()).isEqualTo("crm:export"));
        assertThat(MonitorHarness.commandsIn(out)).singleElement().satisfies(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(c.getTokenIds()).containsExactly("t-1");
        });
    }

    @Test
    void shouldRevokeTheTokenWhenACallGoesIntoABoundaryItDoesNotAllow() {
        // given
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-1"));

        // when the mailer reads the HR share, outside corp and customer-mail
        List<Replayer.Output> out = h.call(Events.call(MAILER, "s-1", "t-1", "list_folders", "share:hr", "hr", null));

        // then
        Finding f = only(out, "boundary.not_allowed");
        assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_TOKEN);
        assertThat(MonitorHarness.commandsIn(out)).singleElement()
                .satisfies(c -> assertThat(c.getScope()).isEqualTo(RevokeScope.TOKEN));
    }

    @Test
    void shouldRevokeTheDelegatedTokenWhenItIsBroaderThanItsDelegatorsToken() {
        // given the orchestrator holds a read-only corp token (announced on its own key)
        h.issue(token(ORCHESTRATOR, "t-orch", "s-o", List.of("mail:read"), List.of("corp")));

        // when it delegates to the mailer a token that can also send and read the CRM
        List<Replayer.Output> out = h.issue(delegatedBy(mailerToken("t-child", "s-1"), ORCHESTRATOR, "t-orch"));

        // then, at the issuance, before the mailer can use it
        Finding f = only(out, "delegation.escalation");
        assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_TOKEN);
        assertThat(f.getEvidence().getScopes()).containsExactly("mail:send", "crm:read");
        assertThat(f.getEvidence().getBoundaries()).containsExactly("customer-mail");
        assertThat(out).allSatisfy(o -> assertThat(o.inputEventId()).isNull());
        // and the delegator, steered into handing out more than it holds, loses its own token
        assertThat(MonitorHarness.commandsIn(out)).hasSize(2).allSatisfy(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(c.getTriggerEventId()).isNull();
            assertThat(c.getFindingIds()).containsExactly(f.getFindingId());
        });
        assertThat(MonitorHarness.commandsIn(out)).extracting(c -> c.getAgentId() + " " + c.getTokenIds())
                .containsExactly(MAILER + " [t-child]", ORCHESTRATOR + " [t-orch]");
    }

    @Test
    void shouldAcceptADelegatedTokenNoBroaderThanItsDelegatorsToken() {
        // given
        h.issue(token(ORCHESTRATOR, "t-orch", "s-o", List.of("mail:*", "crm:read"), null));

        // when
        List<Replayer.Output> out = h.issue(delegatedBy(mailerToken("t-child", "s-1"), ORCHESTRATOR, "t-orch"));

        // then
        assertThat(out).isEmpty();
    }

    @Test
    void shouldRevokeSessionWhenDeniedCallsShowProbing() {
        // given
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-1"));
        List<Replayer.Output> first = h.call(denied(Events.call(MAILER, "s-1", "t-1", "hr_read", "hr:salaries", "corp",
                "hr:read")));
        for (int i = 0; i < 3; i++) {
            assertThat(h.call(denied(Events.call(MAILER, "s-1", "t-1", "hr_read", "hr:salaries", "corp", "hr:read"))))
                    .isEmpty();
        }
        // the first refused attempt at a scope the token lacks is reported once, as an alert
        assertThat(MonitorHarness.findingsIn(first)).filteredOn(f -> f.getDetector().equals("CREDENTIAL"))
                .singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("scope.not_granted");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getAction()).isEqualTo(Action.ALERT);
        });

        // when the fifth DENIED call comes within ten minutes
        List<Replayer.Output> out = h.call(denied(Events.call(MAILER, "s-1", "t-1", "hr_read", "hr:bonuses", "corp",
                "hr:read")).setEventId("e-5th"));

        // then
        Finding f = only(out, "probing.denied");
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(MonitorHarness.commandsIn(out)).singleElement().satisfies(c -> {
            assertThat(c.getTokenIds()).containsExactly("t-1");
            assertThat(c.getTriggerEventId()).isEqualTo("e-5th");
        });
    }

    @Test
    void shouldWidenTheRevokeToTheSessionWhenTheCallMovesMoney() {
        // given
        h.withBenignHistory();
        h.issue(token(BILLING, "t-b", "s-b", List.of("billing:read"), BILLING_BOUNDARIES));

        // when the billing bot pays an invoice its token has no scope for
        List<Replayer.Output> out = h.call(Events.call(BILLING, "s-b", "t-b", "pay_invoice", "invoice:9", "finance",
                "billing:pay"));

        // then the token-level violation revokes the whole session (financial tier)
        Finding f = only(out, "scope.not_granted");
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(MonitorHarness.commandsIn(out)).singleElement()
                .satisfies(c -> assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION));
    }

    @Test
    void shouldCapTheRevokeToTheTokenWhenTheCallOnlyReadsInternalData() {
        // given a revoked token
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-1"));
        h.brokerRevokes(MAILER, "t-1");

        // when it is used to list folders (a low-risk read)
        List<Replayer.Output> out = h.call(listFolders("s-1", "t-1"));

        // then
        Finding f = only(out, "token.revoked");
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_TOKEN);
        assertThat(MonitorHarness.commandsIn(out)).singleElement().satisfies(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(c.getTokenIds()).containsExactly("t-1");
        });
    }
}
