package io.agentwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Severity;
import io.agentwatch.frameworks.Frameworks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFileTest {
    /** The input limits' defaults and rules.max.cost's. */
    private static final RuleFile COMPILER = new RuleFile(2048, 256, 100_000);

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("rules.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void shouldCompileTheIssuesExamplesWithTheirSeverityActionAndFrameworkItems() throws IOException {
        // given
        Path f = file("""
                rules:
                  - id: restricted-send-outside-token
                    description: data read RESTRICTED, then sent where the token does not reach
                    severity: CRITICAL
                    action: REVOKE_SESSION
                    tags: [exfiltration, owasp-asi:ASI02, maestro:L2, nist-ai-rmf:MANAGE-2.4]
                    condition: >
                      call.operation == "SEND" && session.read_restricted
                      && !token.allows_boundary(call.boundary)
                  - id: large-transfer
                    severity: HIGH
                    action: alert
                    tags: [finance, owasp-asi:ASI02]
                    condition: >
                      call.tool.glob("*transfer*") && "amount" in call.attributes
                      && double(call.attributes["amount"]) > 10000.0
                """);

        // when
        RuleSet set = COMPILER.load(f);

        // then
        assertThat(set.rules()).extracting(Rule::id).containsExactly("restricted-send-outside-token", "large-transfer");
        Rule send = set.rules().get(0);
        assertThat(send.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(send.action()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(send.tags()).containsExactly("exfiltration");
        assertThat(send.references()).extracting(Frameworks.Item::id).containsExactly("ASI02", "L2", "MANAGE 2.4");
        assertThat(set.rules().get(1).action()).isEqualTo(Action.ALERT);
        assertThat(set.rules()).allSatisfy(r -> assertThat(r.cost()).isBetween(1L, 100_000L));
    }

    @Test
    void shouldRejectARuleWhoseEstimatedCostExceedsTheMaximum() throws IOException {
        // given a comprehension inside a comprehension, each over the call's destinations
        String cheapRule = """
                rules:
                  - id: cheap
                    severity: LOW
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condition: call.destinations.exists(d, d.endsWith(".example"))
                """;
        Path f = file(cheapRule + """
                  - id: quadratic
                    severity: LOW
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condition: call.destinations.exists(a, call.destinations.exists(b, a != b && a.contains(b)))
                """);

        // when / then
        assertThatThrownBy(() -> COMPILER.load(f)).isInstanceOfSatisfying(RulesFileException.class, e -> {
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("rules.yaml: rule 'quadratic': condition costs up to ")
                    .contains("more than rules.max.cost (100000)");
        });
        // and the cheap rule alone is accepted, its bound far below the one refused
        Path cheap = file(cheapRule);
        assertThat(COMPILER.load(cheap).rules().get(0).cost()).isLessThan(10_000);
    }

    @Test
    void shouldReportEveryProblemOfTheFileWithTheRuleItConcerns() throws IOException {
        // given
        Path f = file("""
                rules:
                  - id: typo
                    severity: HIGH
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condtion: call.tool == "x"
                  - id: unknown-variable
                    severity: URGENT
                    action: ALERT
                    tags: [owasp-asi:ASI02]
                    condition: call.toool == "x"
                  - id: not-a-bool
                    severity: LOW
                    action: REVOKE_EVERYTHING
                    tags: [owasp-asi:ASI11, just-a-label]
                    condition: call.tool
                  - id: typo
                    severity: LOW
                    action: ALERT
                    tags: [maestro:L7]
                    condition: "true"
                """);

        // when / then
        assertThatThrownBy(() -> COMPILER.load(f)).isInstanceOfSatisfying(RulesFileException.class, e -> {
            assertThat(e.getMessage()).contains("rules file " + f + " rejected (9 problems)");
            assertThat(e.problems()).containsExactly(
                    "rules.yaml: rule 'typo': unknown field 'condtion' (fields: action, condition, description, id, severity, tags)",
                    "rules.yaml: rule 'typo': condition is required: a CEL expression over call.*, token.*, session.*, baseline.*",
                    "rules.yaml: rule 'unknown-variable': severity 'URGENT' is not one of LOW, MEDIUM, HIGH, CRITICAL",
                    e.problems().get(3),
                    "rules.yaml: rule 'not-a-bool': action 'REVOKE_EVERYTHING' is not one of ALERT, REVOKE_TOKEN, REVOKE_SESSION, REVOKE_AGENT",
                    "rules.yaml: rule 'not-a-bool': tag 'owasp-asi:ASI11' names no item of the OWASP Top 10 for Agentic Applications (owasp-asi:ASI01 .. owasp-asi:ASI10)",
                    "rules.yaml: rule 'not-a-bool': tags must name at least one framework item, e.g. owasp-asi:ASI02, maestro:L7 or nist-ai-rmf:MEASURE-2.4 (README, \"Framework mapping\")",
                    e.problems().get(7),
                    "rules.yaml: rule 'typo': id used by an earlier rule");
            assertThat(e.problems().get(3)).startsWith("rules.yaml: rule 'unknown-variable': condition does not compile:")
                    .contains("undeclared reference to 'call'").endsWith("(variables and functions: README, \"Writing a rule\")");
            assertThat(e.problems().get(7)).startsWith("rules.yaml: rule 'not-a-bool': condition does not compile:");
        });
    }

    @Test
    void shouldRejectAFileWithoutARulesList() throws IOException {
        Path f = file("- id: x\n");

        assertThatThrownBy(() -> COMPILER.load(f)).isInstanceOf(RulesFileException.class)
                .hasMessageContaining("expected a top-level 'rules:' list");
    }
}
