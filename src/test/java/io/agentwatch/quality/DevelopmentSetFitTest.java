package io.agentwatch.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.catalog.ToolCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The evalkit is a development set: rules must be principles, not its values. No attacker value
 * from its README may appear anywhere under {@code src/}, and the built-in catalog knows no tool
 * of the evalkit beyond the two generic names it had before the evalkit existed.
 */
class DevelopmentSetFitTest {
    private static final Path EVALKIT = Path.of("..", "shared", "evalkit");
    /** Generic tool names the built-in catalog listed before the evalkit was written. */
    private static final Set<String> PRE_EXISTING = Set.of("read_inbox", "send_email");

    /** The "attacker value" column of the evalkit README's table of injection tasks. */
    static List<String> attackerValues() throws IOException {
        Path readme = EVALKIT.resolve("README.md");
        assertThat(readme).as("the evalkit must sit beside the project (../shared/evalkit)").exists();
        List<String> values = new ArrayList<>();
        Pattern row = Pattern.compile("^\\| \\w+/injection_task_\\d+ \\|[^|]*\\| ([^|]+) \\|");
        for (String line : Files.readAllLines(readme)) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                String cell = m.group(1).trim();
                values.add(cell.substring(cell.lastIndexOf(' ') + 1).toLowerCase(Locale.ROOT));
            }
        }
        return values;
    }

    @Test
    void shouldFindNoAttackerValueOfTheEvalkitUnderSrc() throws IOException {
        List<String> values = attackerValues();
        assertThat(values).as("attacker values read from the evalkit README").hasSize(4);
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                values.stream().filter(text::contains).forEach(v -> hits.add(f + ": " + v));
            }
        }
        assertThat(hits).isEmpty();
    }

    @Test
    void shouldKeepEvalkitToolNamesOutOfTheBuiltInCatalog() throws IOException {
        Pattern match = Pattern.compile("match: ([\\w*?]+)");
        List<String> evalkitTools = new ArrayList<>();
        for (String line : Files.readAllLines(EVALKIT.resolve("catalog.yaml"))) {
            Matcher m = match.matcher(line);
            if (m.find()) {
                evalkitTools.add(m.group(1));
            }
        }
        assertThat(evalkitTools).hasSizeGreaterThan(50);
        ToolCatalog builtIn = ToolCatalog.builtIn();
        List<String> named = new ArrayList<>();
        String builtInText = new String(ToolCatalog.class.getResourceAsStream("/default-catalog.yaml").readAllBytes(),
                StandardCharsets.UTF_8);
        for (String tool : evalkitTools) {
            if (builtInText.contains("match: " + tool + ",") || builtInText.contains("match: " + tool + " ")) {
                named.add(tool);
            }
        }
        assertThat(named).as("evalkit tools the built-in catalog names exactly").isSubsetOf(PRE_EXISTING);
        assertThat(builtIn.find("read_inbox")).isPresent();
    }
}
