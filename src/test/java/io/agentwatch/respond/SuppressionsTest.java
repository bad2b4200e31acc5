package io.agentwatch.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppressionsTest {
    private static final String RESEARCH = "spiffe://corp.example/agents/research-7";
    private static final String MAILER = "spiffe://corp.example/agents/mailer";

    @TempDir
    Path dir;

    @Test
    void shouldSuppressOnlyFindingsMatchingEveryFieldOfARule() {
        // given
        Suppressions s = Suppressions.of(List.of(new Suppressions.Rule("spiffe://corp.example/agents/research-*",
                "web_fetch", null, null, "drift.*", "research agents browse new sites")));

        // then
        assertThat(s.match(RESEARCH, "web_fetch", "internet", List.of(), "drift.action")).isNotNull();
        assertThat(s.match(RESEARCH, "web_fetch", null, List.of(), "drift.session")).isNotNull();
        assertThat(s.match(MAILER, "web_fetch", "internet", List.of(), "drift.action")).isNull();
        assertThat(s.match(RESEARCH, "http_post", "internet", List.of(), "drift.action")).isNull();
        assertThat(s.match(RESEARCH, "web_fetch", "internet", List.of(), "chain.exfiltration")).isNull();
    }

    @Test
    void shouldMatchOnBoundaryAndTreatAMissingToolAsEmpty() {
        // given
        Suppressions s = Suppressions.of(List.of(new Suppressions.Rule(null, null, "lab-*", null, null, "sandbox")));

        // then
        assertThat(s.match(MAILER, null, "lab-3", List.of(), "token.unknown")).isNotNull();
        assertThat(s.match(MAILER, "x", "corp", List.of(), "token.unknown")).isNull();
        assertThat(Suppressions.of(List.of(new Suppressions.Rule(null, "web_*", null, null, null, "r")))
                .match(MAILER, null, null, List.of(), "delegation.escalation")).isNull();
    }

    @Test
    void shouldReturnTheFirstMatchingRule() {
        // given
        Suppressions.Rule first = new Suppressions.Rule(MAILER, null, null, null, null, "first");
        Suppressions s = Suppressions.of(List.of(first, new Suppressions.Rule(null, null, null, null, null, "second")));

        // then
        assertThat(s.match(MAILER, "t", "b", List.of(), "r")).isEqualTo(first);
        assertThat(Suppressions.none().match(MAILER, "t", "b", List.of(), "r")).isNull();
    }

    @Test
    void shouldReadRulesFromAFileAndReloadThem() throws IOException {
        // given
        Path file = dir.resolve("suppressions.yaml");
        Files.writeString(file, """
                suppressions:
                  - agent: spiffe://corp.example/agents/research-*
                    tool: web_fetch
                    rule: drift.*
                    reason: research agents browse new sites all the time
                """);
        Suppressions s = Suppressions.fromConfig(file.toString());
        assertThat(s.rules()).singleElement().satisfies(r -> assertThat(r.reason()).contains("browse"));

        // when
        Files.writeString(file, """
                {"suppressions": [{"tool": "a"}, {"tool": "b", "boundary": "lab"}]}
                """);
        int count = s.reload();

        // then
        assertThat(count).isEqualTo(2);
        assertThat(s.match(MAILER, "a", "corp", List.of(), "x")).isNotNull();
        assertThat(s.match(RESEARCH, "web_fetch", "internet", List.of(), "drift.action")).isNull();
    }

    @Test
    void shouldKeepTheCurrentRulesWhenAReloadFails() throws IOException {
        // given
        Path file = dir.resolve("suppressions.yaml");
        Files.writeString(file, "suppressions:\n  - tool: web_fetch\n");
        Suppressions s = Suppressions.fromConfig(file.toString());

        // when
        Files.writeString(file, "rules: []\n");

        // then
        assertThatThrownBy(s::reload).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("suppressions:");
        assertThat(s.match(MAILER, "web_fetch", null, List.of(), "r")).isNotNull();
    }

    @Test
    void shouldHaveNoRulesWithoutAFile() {
        // then
        assertThat(Suppressions.fromConfig("").rules()).isEmpty();
        assertThat(Suppressions.fromConfig(null).rules()).isEmpty();
        assertThatThrownBy(() -> Suppressions.fromConfig(dir.resolve("missing.yaml").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.yaml");
    }
}
