package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FrameworkReference;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.rules.Rules;
import io.agentwatch.rules.RulesFileException;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analysts' rules (rules.file) on the real topology: compiled at start, evaluated for every call
 * as one more detector, their matches decided by the same responder as the built-in detections.
 */
class RulesTopologyTest {
    private static final String LARGE_TRANSFER = """
            rules:
              - id: large-transfer
                description: money moved above the approval limit
                severity: HIGH
                action: %s
                tags: [finance, owasp-asi:ASI02, maestro:L7, nist-ai-rmf:MANAGE-2.4]
                condition: >
                  call.tool.glob("*transfer*") && "amount" in call.attributes
                  && double(call.attributes["amount"]) > %s
            """;
    private static final String RESTRICTED_SEND = """
            rules:
              - id: restricted-send-outside-token
                severity: CRITICAL
                action: REVOKE_SESSION
                tags: [owasp-asi:ASI02, maestro:L2]
                condition: >
                  call.operation == "SEND" && session.read_restricted
                  && !token.allows_boundary(call.boundary)
            """;

    @TempDir
    Path dir;

    private Path rules(String yaml) throws IOException {
        Path f = dir.resolve("rules.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static MonitorHarness harness(Path rules) {
        return MonitorHarness.create(Map.of(AgentwatchConfig.RULES_FILE, rules.toString()));
    }

    /** A billing session whose token restricts nothing the transfers need: no built-in check has a say. */
    private static void billingSession(MonitorHarness h) {
        h.issue(Events.token(BILLING, "t-b", "s-b", null, null));
    }

    private static List<Replayer.Output> transfer(MonitorHarness h, String amount) {
        return h.call(Events.call(BILLING, "s-b", "t-b", "wire_transfer").setTarget("iban:DE0012345678")
                .setBoundary("bank").setAttributes(Map.of("amount", amount, "currency", "EUR")));
    }

    @Test
    void shouldRevokeTheSessionWhenTheLargeTransferRuleMatches() throws IOException {
        // given the issue's example rule, with the agent's baseline still LEARNING
        try (MonitorHarness h = harness(rules(LARGE_TRANSFER.formatted("REVOKE_SESSION", "10000.0")))) {
            billingSession(h);

            // when the agent transfers 500, then 25000
            List<Replayer.Output> small = transfer(h, "500");
            List<Replayer.Output> large = transfer(h, "25000");

            // then the small one passes and the large one revokes the session, through the responder
            assertThat(small).isEmpty();
            Finding f = MonitorHarness.findingsIn(large).stream().filter(x -> x.getDetector().equals("RULE"))
                    .findFirst().orElseThrow();
            assertThat(f.getRule()).isEqualTo("rule.large-transfer");
            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
            assertThat(f.getSummary()).contains("matched rule large-transfer: money moved above the approval limit");
            assertThat(f.getEvidence().getNotes()).contains("tags: finance");
            assertThat(f.getReferences()).extracting(FrameworkReference::getItem).containsExactly("ASI02", "L7",
                    "MANAGE 2.4");
            assertThat(MonitorHarness.commandsIn(large)).singleElement().satisfies(c -> {
                assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
                assertThat(c.getFindingIds()).contains(f.getFindingId());
                assertThat(c.getTokenIds()).containsExactly("t-b");
            });
        }
    }

    @Test
    void shouldOnlyAlertForAnAlertRuleWhateverItsSeverity() throws IOException {
        // given the same rule, HIGH but action ALERT
        try (MonitorHarness h = harness(rules(LARGE_TRANSFER.formatted("ALERT", "10000.0")))) {
            billingSession(h);

            // when
            List<Replayer.Output> large = transfer(h, "25000");

            // then an alert, and no command although HIGH would revoke
            assertThat(MonitorHarness.findingsIn(large)).singleElement().satisfies(f -> {
                assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
                assertThat(f.getAction()).isEqualTo(Action.ALERT);
            });
            assertThat(MonitorHarness.commandsIn(large)).isEmpty();
            // and a second match in the session is the same incident: not reported again
            assertThat(transfer(h, "30000")).isEmpty();
        }
    }

    @Test
    void shouldFlagASendOutsideTheTokensBoundariesOnlyAfterARestrictedRead() throws IOException {
        // given the issue's other example, and two mailer sessions whose tokens allow corp and customer-mail
        try (MonitorHarness h = harness(rules(RESTRICTED_SEND))) {
            h.issue(Events.mailerToken("t-1", "s-1"));
            h.issue(Events.mailerToken("t-2", "s-2"));

            // when one session reads CONFIDENTIAL data and the other RESTRICTED, and each then sends
            // to a boundary outside its token's
            h.call(Events.sensitive(Events.crmLookup("s-1", "t-1"), Sensitivity.CONFIDENTIAL));
            List<Replayer.Output> afterConfidential = h.call(Events.sendTo("s-1", "t-1", "send_email",
                    "mailto:x@drop.example", "drop.example"));
            h.call(Events.sensitive(Events.crmLookup("s-2", "t-2"), Sensitivity.RESTRICTED));
            List<Replayer.Output> afterRestricted = h.call(Events.sendTo("s-2", "t-2", "send_email",
                    "mailto:x@drop.example", "drop.example"));

            // then only the second matches the rule (the built-in chain and credential checks flag both)
            assertThat(MonitorHarness.findingsIn(afterConfidential)).extracting(Finding::getRule)
                    .isNotEmpty().doesNotContain("rule.restricted-send-outside-token");
            assertThat(MonitorHarness.findingsIn(afterRestricted)).filteredOn(f -> f.getDetector().equals("RULE"))
                    .singleElement().satisfies(f -> {
                        assertThat(f.getRule()).isEqualTo("rule.restricted-send-outside-token");
                        assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
                        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
                    });
            assertThat(MonitorHarness.commandsIn(afterRestricted)).singleElement()
                    .extracting(RevokeCommand::getSessionId).isEqualTo("s-2");
        }
    }

    @Test
    void shouldJudgeByTheReloadedRulesAndKeepTheLastGoodSetWhenAReloadFails() throws IOException {
        // given a limit of 10000
        Path file = rules(LARGE_TRANSFER.formatted("ALERT", "10000.0"));
        try (MonitorHarness h = harness(file)) {
            billingSession(h);
            assertThat(transfer(h, "5000")).isEmpty();

            // when the analysts lower the limit to 1000 and reload
            Files.writeString(file, LARGE_TRANSFER.formatted("ALERT", "1000.0"));
            assertThat(h.rules().reload()).isEqualTo(1);

            // then the next call is judged by the new rule
            assertThat(MonitorHarness.findingsIn(transfer(h, "5000"))).extracting(Finding::getRule)
                    .containsExactly("rule.large-transfer");

            // when a broken file is saved and reloaded
            Files.writeString(file, LARGE_TRANSFER.formatted("ALERT", "'a lot'"));
            assertThatThrownBy(() -> h.rules().reload()).isInstanceOf(RulesFileException.class)
                    .hasMessageContaining("rule 'large-transfer': condition does not compile");

            // then the rules in force stay: a new session is still judged by the 1000 limit
            h.issue(Events.token(BILLING, "t-c", "s-c", null, null));
            assertThat(MonitorHarness.findingsIn(h.call(Events.call(BILLING, "s-c", "t-c", "wire_transfer")
                    .setTarget("iban:DE0012345678").setAttributes(Map.of("amount", "5000")))))
                    .extracting(Finding::getRule).containsExactly("rule.large-transfer");
        }
    }

    @Test
    void shouldNotMatchButCountACallTheRuleCannotEvaluate() throws IOException {
        // given a rule without a guard for a missing attribute
        try (MonitorHarness h = harness(rules("""
                rules:
                  - id: unguarded
                    severity: HIGH
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condition: double(call.attributes["amount"]) > 10000.0
                """))) {
            AtomicInteger failures = new AtomicInteger();
            h.rules().listen(new Rules.Listener() {
                @Override
                public void evaluationFailed(String ruleId, String message) {
                    failures.incrementAndGet();
                }
            });
            billingSession(h);

            // when a call has no amount, and the next one a large one
            List<Replayer.Output> without = h.call(Events.call(BILLING, "s-b", "t-b", "wire_transfer")
                    .setTarget("iban:DE0012345678"));
            List<Replayer.Output> with = transfer(h, "20000");

            // then the first did not match and was counted, and processing went on
            assertThat(without).isEmpty();
            assertThat(failures.get()).isEqualTo(1);
            assertThat(MonitorHarness.findingsIn(with)).extracting(Finding::getRule).containsExactly("rule.unguarded");
        }
    }

    @Test
    void shouldRefuseToStartWithAnInvalidRulesFile() throws IOException {
        // given a rule over the cost limit
        Path file = rules("""
                rules:
                  - id: quadratic
                    severity: LOW
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condition: call.destinations.exists(a, call.destinations.exists(b, a.contains(b)))
                """);

        // then the topology's services cannot be built from it: run and replay exit 2 with the problems
        assertThatThrownBy(() -> harness(file)).isInstanceOf(RulesFileException.class)
                .hasMessageContaining("rules.yaml: rule 'quadratic': condition costs up to");
    }

    @Test
    void shouldLetAnAgentsSessionReadTheBaselineInARule() throws IOException {
        // given a rule that alerts when a write goes to a destination the baseline does not know
        try (MonitorHarness h = harness(rules("""
                rules:
                  - id: unknown-recipient
                    severity: MEDIUM
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condition: >
                      baseline.active && call.operation == "SEND"
                      && call.destinations.exists(d, !baseline.known_destination(d))
                """))) {
            h.withBenignHistory();
            h.issue(Events.mailerToken("t-x", "s-x"));

            // when the mailer replies to a customer it always writes to, then to a stranger
            List<Replayer.Output> known = h.call(Events.replyToCustomer("s-x", "t-x", 1).setOperation(Operation.SEND));
            List<Replayer.Output> stranger = h.call(Events.sendTo("s-x", "t-x", "send_email",
                    "mailto:someone@else.example", "customer-mail"));

            // then
            assertThat(MonitorHarness.findingsIn(known)).extracting(Finding::getRule)
                    .doesNotContain("rule.unknown-recipient");
            assertThat(MonitorHarness.findingsIn(stranger)).extracting(Finding::getRule)
                    .contains("rule.unknown-recipient");
            assertThat(h.baseline(MAILER).isActive()).isTrue();
        }
    }
}
