package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credential hygiene on the real topology: findings for the analyst and the broker, never a revoke. */
class CredentialHygieneTopologyTest {

    @Test
    void shouldReportATokenIssuedForLongerThanItsTierAllows() {
        try (MonitorHarness h = MonitorHarness.create()) {
            List<Replayer.Output> issued = h.issue(Events.mailerToken("t-1", "s-1")
                    .setExpiresAt(MonitorHarness.START.plus(Duration.ofHours(12))));

            assertThat(MonitorHarness.findingsIn(issued)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("token.ttl_exceeded");
                assertThat(f.getSeverity()).isEqualTo(Severity.LOW);
                assertThat(f.getSummary()).contains("12 h").contains("STANDARD");
            });
            assertThat(issued).extracting(Replayer.Output::inputEventId).containsOnlyNulls();
            assertThat(h.commands()).isEmpty();
        }
    }

    @Test
    void shouldReportATokenReusedInAnotherSessionWithoutRevoking() {
        try (MonitorHarness h = MonitorHarness.create()) {
            h.issue(Events.mailerToken("t-1", "s-1"));
            h.call(Events.readInbox("s-1", "t-1"));

            List<Replayer.Output> reused = h.call(Events.readInbox("s-2", "t-1"));

            assertThat(MonitorHarness.findingsIn(reused)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("token.cross_session");
                assertThat(f.getAction()).isEqualTo(Action.ALERT);
            });
            assertThat(h.commands()).isEmpty();
        }
    }

    @Test
    void shouldReportATokenStillValidAfterItsTaskAndThenUsedAgain() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given a three-hour token whose session makes two calls and goes quiet
            h.issue(Events.mailerToken("t-1", "s-1").setExpiresAt(MonitorHarness.START.plus(Duration.ofHours(3))));
            h.call(Events.readInbox("s-1", "t-1"));
            h.call(Events.crmLookup("s-1", "t-1"));

            // when another agent's calls move stream time past the session's end (idle timeout + skew)
            h.issue(Events.token(BILLING, "t-b", "s-b", Events.BILLING_SCOPES, Events.BILLING_BOUNDARIES));
            h.advance(Duration.ofMinutes(40));
            List<Replayer.Output> swept = h.call(Events.call(BILLING, "s-b", "t-b", "list_invoices", "invoices:open",
                    "finance", "billing:read"));

            // then standing exposure is reported and remembered
            assertThat(MonitorHarness.findingsIn(swept)).extracting(Finding::getRule).containsExactly("token.standing");
            assertThat(h.credentials(MAILER).endedTask("t-1")).isNotNull();
            assertThat(h.session(MAILER, "s-1")).isNull();

            // and when the token comes back, that use is reported
            List<Replayer.Output> back = h.advance(Duration.ofMinutes(20)).call(Events.readInbox("s-1", "t-1"));
            assertThat(MonitorHarness.findingsIn(back)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("token.after_session");
                assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
                assertThat(f.getAction()).isEqualTo(Action.ALERT);
            });
            assertThat(h.commands()).isEmpty();
        }
    }

    @Test
    void shouldListScopesNoCleanSessionNeededOncePerReportInterval() {
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.HYGIENE_UNUSED_SCOPE_SESSIONS, "3"))) {
            for (int k = 0; k < 5; k++) {
                String s = "s-" + k;
                String t = "t-" + k;
                h.at(MonitorHarness.START.plus(Duration.ofHours(k)));
                h.issue(Events.token(MAILER, t, s, List.of("mail:read", "mail:send", "payments:refund"), null));
                h.call(Events.readInbox(s, t));
                h.call(Events.replyToCustomer(s, t, 1));
                h.brokerRevokes(MAILER, t);
                h.advance(Duration.ofMinutes(2)).call(Events.call(BILLING, "s-b", null, "list_invoices"));
            }

            List<Finding> reports = h.findings("scope.unused");
            assertThat(reports).singleElement().satisfies(f -> {
                assertThat(f.getAgentId()).isEqualTo(MAILER);
                assertThat(f.getSessionId()).isNull();
                assertThat(f.getEvidence().getScopes()).containsExactly("payments:refund");
                assertThat(f.getObservations()).singleElement().satisfies(o -> assertThat(o.getTotal()).isEqualTo(3.0));
            });
            assertThat(h.credentials(MAILER).unusedScopes(3)).containsEntry("payments:refund", 5);

            // a day later the next session's end reports again
            h.at(MonitorHarness.START.plus(Duration.ofDays(1)).plus(Duration.ofHours(3)));
            h.issue(Events.token(MAILER, "t-next", "s-next", List.of("mail:read", "payments:refund"), null));
            h.call(Events.readInbox("s-next", "t-next"));
            h.brokerRevokes(MAILER, "t-next");
            h.advance(Duration.ofMinutes(2)).call(Events.call(BILLING, "s-b", null, "list_invoices"));
            assertThat(h.findings("scope.unused")).hasSize(2);
        }
    }
}
