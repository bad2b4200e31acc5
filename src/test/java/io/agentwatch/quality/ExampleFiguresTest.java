package io.agentwatch.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.replay.ReplayReport;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.TraceReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every trace in {@code examples/} replayed, and compared with what README.md and
 * examples/README.md say about it: the README's per-file figures (sessions, attacks, revoked
 * true/false positives and misses, loud benign sessions), and, for each key event that
 * examples/README.md names with an arrow ("→"), exactly the findings and the revoke it produces
 * (with each finding's framework items when the line gives them in braces). A trace with a
 * {@code .properties} file of the same name is replayed with it as config, as the README's
 * {@code --config} says.
 */
class ExampleFiguresTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Map<String, TraceReplay.Result> RESULTS = new HashMap<>();

    @BeforeAll
    static void replayEveryExample() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            files.filter(p -> p.toString().endsWith(".jsonl")).sorted()
                    .forEach(p -> RESULTS.put(p.getFileName().toString(), TraceReplay.run(p, null, config(p))));
        }
    }

    @Test
    void shouldProduceTheFiguresTheReadmePrintsForEveryExample() throws IOException {
        // | `examples/x.jsonl` | 93 (1) | 1 / 0 / 0 | 0 |
        Pattern row = Pattern.compile("^\\| `examples/([\\w-]+\\.jsonl)`[^|]*\\| (\\d+) \\((\\d+)\\) \\| "
                + "(\\d+) / (\\d+) / (\\d+) \\| (\\d+) \\|");
        Map<String, String> printed = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                printed.put(m.group(1), String.join(" ", m.group(2), m.group(3), m.group(4), m.group(5), m.group(6),
                        m.group(7)));
            }
        }
        assertThat(printed.keySet()).as("README rows").containsExactlyInAnyOrderElementsOf(RESULTS.keySet());
        RESULTS.forEach((file, r) -> assertThat(figures(r.report())).as(file).isEqualTo(printed.get(file)));
    }

    @Test
    void shouldProduceAtEachKeyEventExactlyWhatTheExamplesReadmeSays() throws IOException {
        // - `evt-x` ... → `rule` SEVERITY; `rule` SEVERITY; revoke SESSION    or    → no finding
        Pattern bullet = Pattern.compile("^- `(evt-[\\w-]+)`.*→ (.+)$");
        String currentFile = null;
        int checked = 0;
        for (String line : Files.readAllLines(EXAMPLES.resolve("README.md"))) {
            if (line.startsWith("## ") && line.trim().endsWith(".jsonl")) {
                currentFile = line.substring(3).trim();
            }
            Matcher m = bullet.matcher(line);
            if (!m.find()) {
                continue;
            }
            assertThat(RESULTS).as("a section for %s", m.group(1)).containsKey(currentFile);
            String said = m.group(2).trim();
            assertThat(produced(RESULTS.get(currentFile), m.group(1), said.contains("{")))
                    .as(currentFile + " " + m.group(1)).isEqualTo(said.equals("no finding") ? "no finding" : normalise(said));
            checked++;
        }
        assertThat(checked).as("key events described with an arrow").isGreaterThanOrEqualTo(10);
    }

    private static Path config(Path trace) {
        Path p = trace.resolveSibling(trace.getFileName().toString().replaceAll("\\.jsonl$", ".properties"));
        return Files.exists(p) ? p : null;
    }

    @Test
    void shouldNameItsConfigFileInTheReadmeRowOfEveryExampleThatHasOne() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        RESULTS.keySet().stream().map(f -> EXAMPLES.resolve(f)).filter(p -> config(p) != null).forEach(p ->
                assertThat(readme).as(p.toString()).contains("`--config " + config(p).toString().replace('\\', '/') + "`"));
    }

    /** "sessions attacks tp fp fn loud-benign", as the replay's own report counts them. */
    private static String figures(ReplayReport report) {
        ReplayReport.Score revoked = report.score(true);
        return String.join(" ", Long.toString(report.labelledSessions()), Long.toString(report.attackSessions()),
                Long.toString(revoked.truePositives()), Long.toString(revoked.falsePositives()),
                Long.toString(revoked.falseNegatives()), Long.toString(report.loudBenignSessions()));
    }

    /**
     * What processing one event produced, spelled as the README spells it; with {@code items},
     * each finding followed by its framework items in braces: `rule` HIGH {ASI02, L7, MANAGE 2.4}.
     */
    private static String produced(TraceReplay.Result r, String eventId, boolean items) {
        List<String> parts = new ArrayList<>();
        TreeSet<String> findings = new TreeSet<>();
        String revoke = null;
        for (Replayer.Output o : r.outputs()) {
            if (!eventId.equals(o.inputEventId())) {
                continue;
            }
            if (o.record() instanceof Finding f) {
                findings.add("`" + f.getRule() + "` " + f.getSeverity() + (items ? " {" + String.join(", ",
                        f.getReferences().stream().map(x -> x.getItem()).toList()) + "}" : ""));
            } else if (o.record() instanceof RevokeCommand c && revoke == null) {
                revoke = switch (c.getScope()) {
                    case SUSPEND -> "suspend";
                    case RESUME -> "resume";
                    default -> "revoke " + c.getScope();
                };
            }
        }
        if (findings.isEmpty() && revoke == null) {
            return "no finding";
        }
        parts.addAll(findings);
        if (revoke != null) {
            parts.add(revoke);
        }
        return String.join("; ", parts);
    }

    /** "revoke SESSION", "suspend" (step-up approval) or "resume" (approved): the command, said last. */
    private static boolean isCommand(String part) {
        return part.startsWith("revoke ") || part.equals("suspend") || part.equals("resume");
    }

    private static String normalise(String said) {
        List<String> parts = Stream.of(said.split(";")).map(String::trim).collect(Collectors.toList());
        String revoke = parts.stream().filter(ExampleFiguresTest::isCommand).findFirst().orElse(null);
        List<String> out = new ArrayList<>(new TreeSet<>(parts.stream().filter(p -> !isCommand(p)).toList()));
        if (revoke != null) {
            out.add(revoke);
        }
        return String.join("; ", out);
    }
}
