package io.agentwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.App;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.trust.SigningKey;
import io.agentwatch.trust.TrustedKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int keys(String... args) {
        CommandLine cli = App.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "keys";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void shouldWriteAKeyPairOnlyTheOwnerCanReadAndPrintItsId() throws Exception {
        // when
        int exit = keys("--dir", dir.resolve("keys").toString(), "--name", "aw");

        // then
        assertThat(exit).isZero();
        JsonNode printed = new ObjectMapper().readTree(out.toString());
        Path privateFile = Path.of(printed.get("private_key").asText());
        Path publicFile = Path.of(printed.get("public_key").asText());
        assertThat(privateFile).isEqualTo(dir.resolve("keys/aw.key").toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----").doesNotContain("PRIVATE");
        SigningKey key = KeyFiles.readSigningKey(privateFile);
        TrustedKeys trusted = KeyFiles.readTrustedKeys(publicFile);
        assertThat(key.keyId()).isEqualTo(printed.get("key_id").asText());
        byte[] message = "revoke".getBytes(StandardCharsets.UTF_8);
        assertThat(trusted.check(key.keyId(), message, io.agentwatch.trust.Ed25519.base64url(key.sign(message))))
                .isEqualTo(TrustedKeys.Check.VALID);
    }

    @Test
    void shouldNeverOverwriteAnExistingKey() throws Exception {
        // given
        assertThat(keys("--dir", dir.toString())).isZero();
        String before = Files.readString(dir.resolve("agentwatch-signing.key"));

        // when
        int exit = keys("--dir", dir.toString());

        // then
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("exists already");
        assertThat(Files.readString(dir.resolve("agentwatch-signing.key"))).isEqualTo(before);
    }

    @Test
    void shouldRefuseAPrivateKeyFileOthersCanRead() throws Exception {
        // given
        assertThat(keys("--dir", dir.toString())).isZero();
        Path key = dir.resolve("agentwatch-signing.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        // then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyFiles.readSigningKey(key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chmod 600");
    }
}
