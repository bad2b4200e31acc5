package io.agentwatch.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.testing.Openssl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetrySignatureTest {
    private static final byte[] KEY = "spiffe://corp.example/agents/mailer".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {0, 0, 0, 0, 7, 2, 4, 6};

    @TempDir
    Path dir;

    @Test
    void shouldFrameTheKeyLengthSoNoByteCanMoveBetweenKeyAndValue() {
        assertThat(TelemetrySignature.message(new byte[] {1, 2}, new byte[] {3}))
                .containsExactly(0, 0, 0, 2, 1, 2, 3);
        assertThat(TelemetrySignature.message(new byte[] {1}, new byte[] {2, 3}))
                .containsExactly(0, 0, 0, 1, 1, 2, 3);
        assertThat(TelemetrySignature.message(null, null)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void shouldVerifyWhatTheGatewaySignedAndNothingElse() {
        SigningKey gateway = SigningKey.generate();
        RecordHeaders headers = new RecordHeaders();
        TelemetrySignature.sign(gateway, KEY, VALUE, headers);
        TrustedKeys trusted = gateway.asTrusted();

        assertThat(TelemetrySignature.verify(trusted, KEY, VALUE, headers)).isEqualTo(TelemetrySignature.Result.VALID);
        assertThat(TelemetrySignature.verify(trusted, KEY, new byte[] {0, 0, 0, 0, 7, 2, 4, 7}, headers))
                .isEqualTo(TelemetrySignature.Result.INVALID);
        assertThat(TelemetrySignature.verify(SigningKey.generate().asTrusted(), KEY, VALUE, headers))
                .isEqualTo(TelemetrySignature.Result.UNKNOWN_KEY);
        assertThat(TelemetrySignature.verify(trusted, KEY, VALUE, new RecordHeaders()))
                .isEqualTo(TelemetrySignature.Result.MISSING);
    }

    @Test
    void shouldAcceptASignatureMadeByOpensslAsReadmeSays() throws Exception {
        // given a gateway key made by `agentwatch keys`, and the message a gateway signs
        KeyFiles.write(Ed25519.generate(), dir.resolve("gateway-1.key"), dir.resolve("gateway-1.pub"));
        Files.write(dir.resolve("message.bin"), TelemetrySignature.message(KEY, VALUE));

        // when a non-Java gateway signs it with openssl
        int exit = Openssl.run(dir, "pkeyutl", "-sign", "-rawin", "-inkey", "gateway-1.key", "-in", "message.bin",
                "-out", "sig.bin");
        RecordHeaders headers = new RecordHeaders();
        TrustedKeys trusted = KeyFiles.readTrustedKeys(dir.resolve("gateway-1.pub"));
        headers.add(TelemetrySignature.KEY_ID_HEADER, trusted.keyIds().iterator().next().getBytes(StandardCharsets.US_ASCII));
        headers.add(TelemetrySignature.SIGNATURE_HEADER, Ed25519.base64url(Files.readAllBytes(dir.resolve("sig.bin")))
                .getBytes(StandardCharsets.US_ASCII));

        // then
        assertThat(exit).isZero();
        assertThat(TelemetrySignature.verify(trusted, KEY, VALUE, headers)).isEqualTo(TelemetrySignature.Result.VALID);
    }
}
