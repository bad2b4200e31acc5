package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.cli.Commands;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.DetectionObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The topology is public API (processor, store and topic names end up in changelog topics,
 * state directories and dashboards): a change must come with regenerated docs.
 * Regenerate with {@code ./agentwatch topology > topology-docs/topology.txt}.
 */
class TopologyDocsTest {
    private static final Path DOCS = Path.of("topology-docs");

    private static String describe() {
        AgentwatchConfig config = new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://docs"));
        return AgentwatchTopology.build(config,
                Commands.services(config, DetectionObserver.NONE, Clock.systemUTC(), false)).describe().toString();
    }

    @Test
    void shouldMatchTheCommittedDescription() throws Exception {
        String committed = Files.readString(DOCS.resolve("topology.txt"));

        assertThat(describe().strip())
                .as("topology changed: run ./agentwatch topology > topology-docs/topology.txt and update topology.mmd")
                .isEqualTo(committed.strip());
    }

    @Test
    void shouldNameEveryNodeAndStoreInTheDiagram() throws Exception {
        String diagram = Files.readString(DOCS.resolve("topology.mmd"));
        Matcher names = Pattern.compile("(?:Source|Processor|Sink): (\\S+)|stores: \\[([^\\]]*)\\]").matcher(describe());

        int checked = 0;
        while (names.find()) {
            String group = names.group(1) != null ? names.group(1) : names.group(2);
            for (String name : group.split(",\\s*")) {
                if (!name.isBlank()) {
                    assertThat(diagram).as("topology.mmd mentions %s", name).contains(name);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(14);
    }
}
