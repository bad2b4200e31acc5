package io.agentwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.App;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What `run` refuses before it touches Kafka: exit 2 and a message saying what to set. */
class RunCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String config) throws Exception {
        Path file = dir.resolve("agentwatch.properties");
        Files.writeString(file, "kafka.bootstrap.servers=127.0.0.1:1\nhttp.port=0\n" + config);
        CommandLine cli = App.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("run", "--config", file.toString());
    }

    @Test
    void shouldExit2WithoutASigningKey() throws Exception {
        assertThat(run("")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("agentwatch keys").contains("response.signing.key.file")
                .contains("response.signing=none");
    }

    @Test
    void shouldExit2WhenBoundBeyondLoopbackWithoutAReadToken() throws Exception {
        KeyFiles.write(Ed25519.generate(), dir.resolve("aw.key"), dir.resolve("aw.pub"));

        int exit = run("response.signing.key.file=" + dir.resolve("aw.key") + "\nhttp.bind=0.0.0.0\n");

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("http.read.token").contains("127.0.0.1");
    }

    @Test
    void shouldExit2ForTheRemovedHmacKey() throws Exception {
        assertThat(run("response.signing.key=an-old-hmac-secret\n")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("no longer used").contains("agentwatch keys");
    }
}
