package io.agentwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.trace.TraceCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int simulate(String... args) {
        CommandLine cli = new CommandLine(new SimulateCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldWriteTheSameHistoryFileForTheSameOptions() throws IOException {
        Path first = dir.resolve("a.jsonl");
        Path second = dir.resolve("b.jsonl");

        int firstExit = simulate("--agents", "3", "--days", "2", "--seed", "5", "--out", first.toString());
        int secondExit = simulate("--agents", "3", "--days", "2", "--seed", "5", "--out", second.toString());

        assertThat(firstExit).isZero();
        assertThat(secondExit).isZero();
        assertThat(Files.readAllBytes(first)).isNotEmpty().isEqualTo(Files.readAllBytes(second));
        assertThat(Files.readString(first)).doesNotContain("\"label\":\"attack\"").contains("2026-01-05T");
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("simulate: wrote");
    }

    @Test
    void shouldWriteJsonLinesToStdoutWhenNoFileIsGiven() {
        int exit = simulate("--agents", "2", "--days", "1");

        List<String> lines = out.toString().lines().toList();
        assertThat(exit).isZero();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(TraceCodec.parse(line).label()).isEqualTo("benign"));
    }

    @Test
    void shouldAddLiveTrafficWithHijacksWhenADurationIsGiven() throws IOException {
        Path file = dir.resolve("live.jsonl");

        int exit = simulate("--agents", "4", "--days", "1", "--duration", "20", "--rate", "20", "--hijack-every", "5",
                "--attacks", "exfiltration,token-misuse", "--out", file.toString());

        assertThat(exit).isZero();
        assertThat(Files.readString(file)).contains("\"label\":\"attack\"").contains("2026-01-06T08:00:1");
        assertThat(err.toString()).contains("a hijack every 5 s");
    }

    @Test
    void shouldRejectAnUnknownAttackPattern() {
        int exit = simulate("--attacks", "phishing");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown attack pattern 'phishing'").contains("scope-drift");
    }

    @Test
    void shouldRejectTwoOutputs() {
        int exit = simulate("--out", dir.resolve("x.jsonl").toString(), "--bootstrap", "localhost:9092");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("choose one output");
    }

    @Test
    void shouldDocumentExitCodesInHelp() {
        int exit = simulate("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("--bootstrap").contains("--schema-registry").contains("Exit codes");
    }
}
