package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandVerifierTest {
    @TempDir
    Path dir;

    private static RevokeCommand command() {
        Instant now = Instant.now();
        return RevokeCommand.newBuilder().setCommandId("rc-1").setAgentId("spiffe://corp.example/agents/a")
                .setScope(RevokeScope.TOKEN).setTokenIds(List.of("t-1")).setReason("test")
                .setIssuedAt(now).setExpiresAt(now.plusSeconds(3600)).build();
    }

    @Test
    void shouldActOnlyOnCommandsSignedByTheConfiguredKey() {
        // given agentwatch's key pair and a stranger's
        KeyFiles.write(Ed25519.generate(), dir.resolve("agentwatch.key"), dir.resolve("agentwatch.pub"));
        KeyFiles.write(Ed25519.generate(), dir.resolve("other.key"), dir.resolve("other.pub"));
        CommandVerifier verifier = CommandVerifier.fromConfig(new AgentwatchConfig(Map.of(
                AgentwatchConfig.KEYCLOAK_COMMAND_KEYS_FILE, dir.resolve("agentwatch.pub").toString())), Clock.systemUTC());

        // when / then
        RevokeCommand signed = CommandSigner.with(KeyFiles.readSigningKey(dir.resolve("agentwatch.key"))).sign(command());
        assertThat(verifier.verify(signed).accepted()).isTrue();
        assertThat(verifier.verify(signed).reason()).startsWith("replayed");
        assertThat(verifier.verify(command()).reason()).startsWith("unsigned");
        RevokeCommand stranger = CommandSigner.with(KeyFiles.readSigningKey(dir.resolve("other.key"))).sign(command());
        assertThat(verifier.verify(stranger).reason()).startsWith("unknown-key");
    }

    @Test
    void shouldRefuseToStartWithoutKeysUnlessSignaturesAreNotRequired() {
        assertThatThrownBy(() -> CommandVerifier.fromConfig(new AgentwatchConfig(Map.of()), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentwatchConfig.KEYCLOAK_COMMAND_KEYS_FILE);
        assertThat(CommandVerifier.fromConfig(new AgentwatchConfig(Map.of(
                AgentwatchConfig.KEYCLOAK_REQUIRE_SIGNED_COMMANDS, "false")), Clock.systemUTC()))
                .isSameAs(CommandVerifier.ACCEPT_ALL);
    }
}
