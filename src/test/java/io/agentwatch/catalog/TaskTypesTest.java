package io.agentwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskTypesTest {
    private static final String MAPPING = """
            types:
              - match: "draft*change request*"
                type: change-draft
              - regex: "\\\\bdeploy(s|ing)?\\\\b"
                type: deploy
              - match: "*change*"
                type: change-other
            """;

    private static TaskTypes parse(String yaml) throws IOException {
        return TaskTypes.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void shouldMapAPurposeByTheFirstRuleThatMatchesIgnoringCase() throws IOException {
        TaskTypes types = parse(MAPPING);

        assertThat(types.typeOf("Draft a change request for the payments-api upgrade")).isEqualTo("change-draft");
        assertThat(types.typeOf("please DEPLOY payments-api v2.1")).isEqualTo("deploy");
        // the glob matches the whole purpose: "draft*change request*" does not match text before "draft"
        assertThat(types.typeOf("review the change request draft")).isEqualTo("change-other");
        assertThat(types.typeOf("redeployment of nothing")).isNull();
    }

    @Test
    void shouldGiveNoTypeToAPurposeNothingMatchesOrToNone() throws IOException {
        TaskTypes types = parse(MAPPING);

        assertThat(types.typeOf("answer a billing question")).isNull();
        assertThat(types.typeOf("")).isNull();
        assertThat(types.typeOf(null)).isNull();
        assertThat(types.isEnabled()).isTrue();
        assertThat(TaskTypes.none().isEnabled()).isFalse();
        assertThat(TaskTypes.none().typeOf("deploy payments-api")).isNull();
    }

    @Test
    void shouldRememberTypesOfBoundedlyManyPurposes() throws IOException {
        TaskTypes types = parse(MAPPING);

        for (int i = 0; i < 2 * TaskTypes.MAX_CACHED_PURPOSES + 10; i++) {
            assertThat(types.typeOf("deploy build " + i)).isEqualTo("deploy");
            assertThat(types.typeOf("nothing " + i)).isNull();
        }

        assertThat(types.cachedPurposes()).isLessThanOrEqualTo(TaskTypes.MAX_CACHED_PURPOSES);
    }

    @Test
    void shouldSayWhatIsWrongWithABadMapping() {
        assertThatThrownBy(() -> parse("tools: []")).hasMessageContaining("'types:'");
        assertThatThrownBy(() -> parse("types:\n  - {match: 'x*', regex: 'y', type: t}"))
                .hasMessageContaining("types entry 1").hasMessageContaining("exactly one of 'match'");
        assertThatThrownBy(() -> parse("types:\n  - {regex: '(unclosed', type: t}"))
                .hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> parse("types:\n  - {match: 'x*', type: 'two words'}"))
                .hasMessageContaining("'type' must be a name");
    }

    @Test
    void shouldLoadTheFileNamedByTheConfigAndNothingWithoutOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("task-types.yaml");
        Files.writeString(file, MAPPING);

        assertThat(TaskTypes.fromConfig(file.toString()).typeOf("deploying the release")).isEqualTo("deploy");
        assertThat(TaskTypes.fromConfig("").isEnabled()).isFalse();
        assertThatThrownBy(() -> TaskTypes.fromConfig(dir.resolve("missing.yaml").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read task types");
    }
}
