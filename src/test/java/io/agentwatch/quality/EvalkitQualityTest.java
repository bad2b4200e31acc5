package io.agentwatch.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwatch.avro.Action;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.TraceReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Detection quality on real LLM-agent behaviour: both folds of the AgentDojo development set
 * ({@code ../shared/evalkit}, beside the project in every checkout and in CI) replayed with the
 * catalog as shipped, scored as the evalkit scores them, and held to the figures the README
 * prints (small margins). It fails, never skips, when the evalkit is missing.
 */
class EvalkitQualityTest {
    private static final Path EVALKIT = Path.of("..", "shared", "evalkit");
    /** Recall may drop by at most this much, benign rates rise by at most that much, before the test fails. */
    private static final double RECALL_MARGIN = 0.02;
    private static final double BENIGN_MARGIN = 0.003;

    private static final Map<String, TraceReplay.Result> RESULTS = new HashMap<>();
    private static final Map<String, Map<String, EvalkitScore.Tally>> SCORES = new HashMap<>();

    @BeforeAll
    static void replayBothFolds() {
        assertThat(EVALKIT.resolve("truth.json"))
                .as("the evalkit must sit beside the project at %s (../shared/evalkit); detection quality is "
                        + "measured on it", EVALKIT.toAbsolutePath().normalize()).exists();
        Map<String, JsonNode> truth = EvalkitScore.truth(EVALKIT.resolve("truth.json"));
        for (String fold : List.of("dojo-a", "dojo-b")) {
            Path trace = EVALKIT.resolve("traces").resolve(fold + ".jsonl");
            TraceReplay.Result r = TraceReplay.run(trace, EVALKIT.resolve("catalog.yaml"));
            RESULTS.put(fold, r);
            SCORES.put(fold, EvalkitScore.score(trace, r.outputs(), truth));
        }
    }

    @Test
    void shouldReplayEveryLineWithoutBadLinesOrDeadLetters() {
        RESULTS.forEach((fold, r) -> {
            assertThat(r.badLines()).as(fold).isZero();
            assertThat(r.deadLetters()).as(fold).isEmpty();
        });
    }

    @Test
    void shouldHoldTheFiguresTheReadmePrintsPerFoldAndForBothFolds() throws IOException {
        Map<String, EvalkitScore.Tally> printed = readmeFigures();
        EvalkitScore.Tally total = SCORES.get("dojo-a").get("TOTAL").plus(SCORES.get("dojo-b").get("TOTAL"));
        Map<String, EvalkitScore.Tally> measured = Map.of("dojo-a", SCORES.get("dojo-a").get("TOTAL"),
                "dojo-b", SCORES.get("dojo-b").get("TOTAL"), "both folds", total);
        assertThat(printed).containsOnlyKeys(measured.keySet());
        measured.forEach((row, m) -> {
            EvalkitScore.Tally p = printed.get(row);
            assertThat(m.attacks()).as(row + ": attack sessions").isEqualTo(p.attacks());
            assertThat(m.benign()).as(row + ": benign sessions").isEqualTo(p.benign());
            assertThat(m.recall()).as(row + ": recall (README %d/%d)", p.caught(), p.attacks())
                    .isGreaterThanOrEqualTo(p.recall() - RECALL_MARGIN);
            assertThat(m.revokedRate()).as(row + ": benign revoked (README %d/%d)", p.benignRevoked(), p.benign())
                    .isLessThanOrEqualTo(p.revokedRate() + BENIGN_MARGIN);
            assertThat(m.alertedRate()).as(row + ": benign >= MEDIUM (README %d/%d)", p.benignAlerted(), p.benign())
                    .isLessThanOrEqualTo(p.alertedRate() + BENIGN_MARGIN);
        });
    }

    @Test
    void shouldListEveryFindingWhoseActionIsARevokeInExactlyOneCommand() {
        RESULTS.forEach((fold, r) -> {
            Map<String, Integer> listed = new HashMap<>();
            r.outputs().stream().map(Replayer.Output::record).filter(x -> x instanceof RevokeCommand)
                    .forEach(c -> ((RevokeCommand) c).getFindingIds().forEach(id -> listed.merge(id, 1, Integer::sum)));
            List<Finding> revoking = r.outputs().stream().map(Replayer.Output::record)
                    .filter(x -> x instanceof Finding).map(x -> (Finding) x)
                    .filter(f -> f.getAction() == Action.REVOKE_TOKEN || f.getAction() == Action.REVOKE_SESSION
                            || f.getAction() == Action.REVOKE_AGENT).toList();
            assertThat(revoking).as(fold).isNotEmpty();
            assertThat(revoking).as(fold).allSatisfy(f ->
                    assertThat(listed.get(f.getFindingId())).as(f.getFindingId()).isEqualTo(1));
            List<String> notRevoking = r.outputs().stream().map(Replayer.Output::record)
                    .filter(x -> x instanceof Finding).map(x -> (Finding) x).filter(f -> !revoking.contains(f))
                    .map(Finding::getFindingId).toList();
            assertThat(notRevoking).as(fold + ": findings not revoking are in no command")
                    .noneMatch(listed::containsKey);
        });
    }

    /** The rows "| dojo-a | a/b (x%) | c/d (y%) | e/d (z%) |" of the README's detection-quality table. */
    static Map<String, EvalkitScore.Tally> readmeFigures() throws IOException {
        Pattern row = Pattern.compile("^\\| (dojo-a|dojo-b|both folds) \\| (\\d+)/(\\d+) \\([\\d.]+%\\) \\| "
                + "(\\d+)/(\\d+) \\([\\d.]+%\\) \\| (\\d+)/(\\d+) \\([\\d.]+%\\) \\|");
        Map<String, EvalkitScore.Tally> out = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                out.put(m.group(1), new EvalkitScore.Tally(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(5)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(6))));
            }
        }
        return out;
    }
}
