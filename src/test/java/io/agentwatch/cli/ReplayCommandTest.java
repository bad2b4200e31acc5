package io.agentwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Hostile traces through {@code replay} (the real topology offline): every bad line is
 * reported with its number and skipped, and the replay reads on to the end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayCommandTest {
    private static final String AGENT = "spiffe://corp.example/agents/mailer";
    private static final String TOKEN = "{\"type\":\"token_issued\",\"token_id\":\"t-1\",\"agent_id\":\"" + AGENT
            + "\",\"session_id\":\"s-1\",\"issued_at\":\"2026-03-02T09:00:00Z\",\"expires_at\":\"2026-03-02T10:00:00Z\"}";
    private static final String CALL = "{\"type\":\"tool_call\",\"event_id\":\"e-1\",\"occurred_at\":\"2026-03-02T09:01:00Z\","
            + "\"agent_id\":\"" + AGENT + "\",\"session_id\":\"s-1\",\"token_id\":\"t-1\",\"tool\":\"read_inbox\"}";

    @TempDir
    Path dir;

    private String stderr;

    private int replay(byte[] trace) throws IOException {
        Path file = dir.resolve("trace.jsonl");
        Files.write(file, trace);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new ReplayCommand()).execute(file.toString(), "--out", dir.resolve("out.jsonl").toString());
        } finally {
            System.setErr(original);
            stderr = err.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] lines(Object... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object line : lines) {
            out.writeBytes(line instanceof byte[] bytes ? bytes : line.toString().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    @Test
    void shouldSkipALineThatIsNotUtf8AndReadOn() throws IOException {
        // given a line with bytes that are not UTF-8 between two good lines
        byte[] latin1 = "{\"type\":\"tool_call\",\"tool\":\"r\u00e9sum\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        // when
        int exit = replay(lines(TOKEN, latin1, CALL));

        // then
        assertThat(exit).isZero();
        assertThat(stderr).contains("line 2: skipped: not valid UTF-8 (byte 30 of the line)")
                .contains("replay: 2 events {TokenIssued=1, ToolCall=1}").contains("; 1 bad lines;");
    }

    @Test
    void shouldSkipALineLongerThanTheLimitWithoutHoldingIt() throws IOException {
        // given a 3 MB line (the default limit is 1 MiB)
        String huge = "{\"type\":\"tool_call\",\"tool\":\"" + "x".repeat(3_000_000) + "\"}";

        // when
        int exit = replay(lines(TOKEN, huge, CALL));

        // then
        assertThat(exit).isZero();
        assertThat(stderr).contains("line 2: skipped: longer than 1048576 bytes (3000030)")
                .contains("replay: 2 events").contains("; 1 bad lines;");
    }

    @Test
    void shouldDeadLetterAFirstLineAtLongMaxValueInsteadOfLoopingForever() throws IOException {
        // given
        String atMax = CALL.replace("\"2026-03-02T09:01:00Z\"", Long.toString(Long.MAX_VALUE)).replace("e-1", "e-max");

        // when
        int exit = replay(lines(atMax, TOKEN, CALL));

        // then it ends, and only the first line was refused
        assertThat(exit).isZero();
        assertThat(stderr).contains("line 1: dead-lettered (future-timestamp)").doesNotContain("line 2:")
                .doesNotContain("line 3:").contains("1 dead-lettered {future-timestamp=1}");
    }

    @Test
    void shouldDeadLetterAFirstLineInYear9999InsteadOfFreezingStreamTime() throws IOException {
        // given
        String farAhead = CALL.replace("2026-03-02T09:01:00Z", "9999-12-31T23:59:59Z").replace("e-1", "e-9999");

        // when
        int exit = replay(lines(farAhead, TOKEN, CALL));

        // then the trace's own lines set stream time and are judged against it
        assertThat(exit).isZero();
        assertThat(stderr).contains("line 1: dead-lettered (future-timestamp)")
                .contains("ahead of this machine's clock").contains("1 dead-lettered {future-timestamp=1}");
    }

    @Test
    void shouldSkipATimestampBeyondEpochMillisecondsAndAnEscapeSequenceStaysEscaped() throws IOException {
        // given a timestamp no long can hold, and a broken line that would clear the terminal
        String beyond = CALL.replace("\"2026-03-02T09:01:00Z\"", "\"+999999999-01-01T00:00:00Z\"");
        String escape = "{\"type\":\"tool_call\u001b[2J\"";

        // when
        int exit = replay(lines(TOKEN, beyond, escape, CALL));

        // then
        assertThat(exit).isZero();
        assertThat(stderr).contains("line 2: skipped: field 'occurred_at'").contains("outside the range of epoch milliseconds")
                .contains("line 3: skipped: not valid JSON").doesNotContain("\u001b").contains("; 2 bad lines;");
    }
}
