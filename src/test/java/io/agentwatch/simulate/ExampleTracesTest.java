package io.agentwatch.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.ToolCall;
import io.agentwatch.cli.SimulateCommand;
import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The traces under {@code examples/} are the output of these {@code simulate} commands, byte for
 * byte, so they can always be regenerated, and a change to the simulator that changes them is a
 * conscious one. Regenerate with
 * {@code mvn -q -B -o test -Dtest=ExampleTracesTest -Dexamples.regenerate=true}.
 */
class ExampleTracesTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final String ATTACK_TAIL = "--days 4 --rate 0 --duration 7200 --hijack-every 600 --attack-count 1";

    /** File name → the arguments of {@code agentwatch simulate} that write it (examples/README.md lists them too). */
    static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("benign-history.jsonl", "--seed 11 --agents 5 --roles support,billing,coding,research,devops --days 5");
        COMMANDS.put("scope-drift.jsonl",
                "--seed 31 --agents 3 --roles support,billing,coding " + ATTACK_TAIL + " --attacks scope-drift");
        COMMANDS.put("exfiltration-chain.jsonl",
                "--seed 44 --agents 3 --roles research,support,billing " + ATTACK_TAIL + " --attacks exfiltration");
        COMMANDS.put("token-misuse.jsonl",
                "--seed 51 --agents 3 --roles support,billing,devops " + ATTACK_TAIL + " --attacks token-misuse");
        COMMANDS.put("delegation-escalation.jsonl", "--seed 64 --agents 3 --roles coding,billing,research "
                + ATTACK_TAIL + " --attacks delegation-escalation");
    }

    @TempDir
    Path dir;

    private static void simulate(String args, Path out) {
        List<String> argv = new ArrayList<>(List.of(args.split(" ")));
        argv.addAll(List.of("--out", out.toString()));
        CommandLine cli = new CommandLine(new SimulateCommand());
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute(argv.toArray(String[]::new))).as(args).isZero();
    }

    @Test
    void shouldMatchTheCommittedExamplesByteForByte() throws IOException {
        boolean regenerate = Boolean.getBoolean("examples.regenerate");
        for (Map.Entry<String, String> example : COMMANDS.entrySet()) {
            Path committed = EXAMPLES.resolve(example.getKey());
            Path fresh = regenerate ? committed : dir.resolve(example.getKey());

            simulate(example.getValue(), fresh);

            assertThat(Files.readAllBytes(fresh)).as(example.getKey() + " (regenerate: see the class comment)")
                    .isEqualTo(Files.readAllBytes(committed));
            assertThat(Files.size(committed)).isLessThan(1_500_000);
        }
    }

    @Test
    void shouldHoldExactlyOneHijackInEachAttackExampleAndNoneInTheBenignOne() throws IOException {
        for (String file : COMMANDS.keySet()) {
            Set<String> attackSessions = read(file).stream().filter(e -> Simulator.ATTACK.equals(e.label()))
                    .map(Trace::sessionOf).collect(Collectors.toSet());
            long hijacked = attackSessions.stream().filter(s -> !isDelegatedTo(file, s)).count();

            assertThat(hijacked).as(file).isEqualTo(file.startsWith("benign") ? 0 : 1);
        }
    }

    /** The escalated delegate's session is the second attack session of the delegation example. */
    private static boolean isDelegatedTo(String file, String session) {
        return file.startsWith("delegation") && session.startsWith("sess-billing-");
    }

    @Test
    void shouldNameOnlyAttackEventsOfTheirFileAsKeyEventsInTheReadme() throws IOException {
        String readme = Files.readString(EXAMPLES.resolve("README.md"));
        int named = 0;
        for (String section : readme.split("\n## ")) {
            String file = section.lines().findFirst().orElse("").trim();
            if (!COMMANDS.containsKey(file)) {
                continue;
            }
            assertThat(section).contains("`" + COMMANDS.get(file) + "`");
            Map<String, String> labels = new LinkedHashMap<>();
            read(file).stream().filter(e -> e.event() instanceof ToolCall)
                    .forEach(e -> labels.put(((ToolCall) e.event()).getEventId(), e.label()));
            Matcher ids = Pattern.compile("evt-[a-z-]+-\\d+-\\d{4}-\\d{2}").matcher(section);
            while (ids.find()) {
                assertThat(labels.get(ids.group())).as(file + " " + ids.group()).isEqualTo(Simulator.ATTACK);
                named++;
            }
        }
        assertThat(named).isGreaterThanOrEqualTo(COMMANDS.size() - 1);
    }

    private static List<TraceEvent> read(String file) throws IOException {
        return Files.readAllLines(EXAMPLES.resolve(file)).stream().map(TraceCodec::parse).toList();
    }
}
