package io.agentwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.App;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command, run in-process as a user would run it: its own embedded broker,
 * in-process registry, simulator, detector and sample credential broker. The loop must close
 * within the run: agentwatch orders a revocation and the credential broker confirms it.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DemoIT {
    private static final Pattern COMMAND_ID = Pattern.compile("\\(command (rc-[0-9a-f]+)");

    @Test
    void shouldCatchAHijackedAgentAndHaveTheCredentialBrokerRevokeItWithin45Seconds() {
        // given
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exitCode;

        // when
        System.setOut(new PrintStream(new Tee(captured, original), true, StandardCharsets.UTF_8));
        try {
            exitCode = App.commandLine().execute("demo", "--duration", "45", "--http-port", "0",
                    "--agents", "6", "--rate", "30", "--hijack-every", "8");
        } finally {
            System.setOut(original);
        }

        // then
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exitCode).as("exit code; output:%n%s", String.join("\n", lines)).isZero();
        assertThat(lines).as("the history is fast-forwarded, then live traffic runs")
                .anyMatch(l -> l.contains("live traffic starts now"));
        List<String> revokes = lines.stream().filter(l -> l.contains("  REVOKE  ")).toList();
        List<String> confirmations = lines.stream().filter(l -> l.contains("  BROKER   revoked token")).toList();
        assertThat(revokes).as("REVOKE lines; output:%n%s", String.join("\n", lines)).isNotEmpty();
        assertThat(confirmations).as("BROKER lines; output:%n%s", String.join("\n", lines)).isNotEmpty();
        // The broker answers agentwatch's own commands, not something else.
        List<String> ordered = revokes.stream().map(DemoIT::commandId).toList();
        assertThat(confirmations).extracting(DemoIT::commandId).allMatch(ordered::contains);
    }

    private static String commandId(String line) {
        Matcher m = COMMAND_ID.matcher(line);
        assertThat(m.find()).as("command id in: %s", line).isTrue();
        return m.group(1);
    }

    /** Keeps the demo's output visible in the test report while the test reads it. */
    private static final class Tee extends OutputStream {
        private final ByteArrayOutputStream first;
        private final PrintStream second;

        Tee(ByteArrayOutputStream first, PrintStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() {
            second.flush();
        }
    }
}
