package io.agentwatch.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.testing.Openssl;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.trust.SigningKey;
import io.agentwatch.trust.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSignerTest {
    @TempDir
    Path dir;

    static RevokeCommand unsigned() {
        return RevokeCommand.newBuilder().setCommandId("rc-1").setAgentId("spiffe://corp.example/agents/mailer")
                .setScope(RevokeScope.SESSION).setTokenIds(List.of("t-1", "t-2")).setSessionId("s-1")
                .setReason("sent CRM data to paste.example").setFindingIds(List.of("f-1"))
                .setIssuedAt(Instant.parse("2026-01-05T09:00:00Z")).setExpiresAt(Instant.parse("2026-01-05T10:00:00Z"))
                .setTriggerEventId("e-9").build();
    }

    @Test
    void shouldSignTheCanonicalJsonOfEveryFieldButTheSignature() {
        // given
        SigningKey key = SigningKey.generate();

        // when
        RevokeCommand c = CommandSigner.with(key).sign(unsigned());

        // then: the bytes a broker in any language rebuilds from the record
        String expected = "{\"agent_id\":\"spiffe://corp.example/agents/mailer\",\"command_id\":\"rc-1\","
                + "\"expires_at\":1767607200000,\"finding_ids\":[\"f-1\"],\"issued_at\":1767603600000,"
                + "\"key_id\":\"" + key.keyId() + "\",\"nonce\":\"" + c.getNonce() + "\","
                + "\"reason\":\"sent CRM data to paste.example\",\"scope\":\"SESSION\",\"session_id\":\"s-1\","
                + "\"token_ids\":[\"t-1\",\"t-2\"],\"trigger_event_id\":\"e-9\"}";
        assertThat(new String(CommandSigner.signedBytes(c), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(Ed25519.verify(key.publicKey(), expected.getBytes(StandardCharsets.UTF_8),
                Ed25519.fromBase64url(c.getSignature()))).isTrue();
        assertThat(Ed25519.fromBase64url(c.getNonce())).hasSize(16);
    }

    @Test
    void shouldGiveEveryCommandAFreshNonce() {
        CommandSigner signer = CommandSigner.with(SigningKey.generate());

        assertThat(signer.sign(unsigned()).getNonce()).isNotEqualTo(signer.sign(unsigned()).getNonce());
    }

    @Test
    void shouldLeaveNullFieldsOutSoAnOptionalFieldAddedLaterKeepsOldSignaturesValid() {
        // given
        RevokeCommand c = unsigned();
        c.setSessionId(null);
        c.setTriggerEventId(null);

        // then
        assertThat(new String(CommandSigner.signedBytes(c), StandardCharsets.UTF_8))
                .doesNotContain("session_id").doesNotContain("trigger_event_id").doesNotContain("null");
    }

    @Test
    void shouldNotVerifyAfterAnyFieldChanges() {
        // given
        SigningKey key = SigningKey.generate();
        TrustedKeys trusted = key.asTrusted();
        RevokeCommand c = CommandSigner.with(key).sign(unsigned());

        // then
        for (RevokeCommand altered : List.of(
                RevokeCommand.newBuilder(c).setTokenIds(List.of("t-1", "t-2", "t-victim")).build(),
                RevokeCommand.newBuilder(c).setScope(RevokeScope.AGENT).build(),
                RevokeCommand.newBuilder(c).setAgentId("spiffe://corp.example/agents/victim").build(),
                RevokeCommand.newBuilder(c).setExpiresAt(c.getExpiresAt().plusSeconds(86_400)).build(),
                RevokeCommand.newBuilder(c).setNonce("AAAAAAAAAAAAAAAAAAAAAA").build(),
                // the old HMAC joined fields with ',' unescaped: ["a,b"] and ["a","b"] signed alike
                RevokeCommand.newBuilder(c).setTokenIds(List.of("t-1,t-2")).build())) {
            assertThat(trusted.check(altered.getKeyId(), CommandSigner.signedBytes(altered), altered.getSignature()))
                    .as("altered: %s", altered).isEqualTo(TrustedKeys.Check.BAD_SIGNATURE);
        }
        assertThat(trusted.check(c.getKeyId(), CommandSigner.signedBytes(c), c.getSignature()))
                .isEqualTo(TrustedKeys.Check.VALID);
    }

    @Test
    void shouldLoadTheKeyFromConfigAndRefuseToRunUnsignedUnlessToldTo() {
        // given
        KeyFiles.write(Ed25519.generate(), dir.resolve("aw.key"), dir.resolve("aw.pub"));
        AgentwatchConfig withKey = new AgentwatchConfig(Map.of(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE,
                dir.resolve("aw.key").toString()));
        AgentwatchConfig noKey = new AgentwatchConfig(Map.of());
        AgentwatchConfig optedOut = new AgentwatchConfig(Map.of(AgentwatchConfig.RESPONSE_SIGNING, "none"));

        // then
        assertThat(CommandSigner.fromConfig(withKey).signs()).isTrue();
        CommandSigner.requireKey(withKey);
        assertThatThrownBy(() -> CommandSigner.requireKey(noKey)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("agentwatch keys").hasMessageContaining("response.signing=none");
        CommandSigner.requireKey(optedOut);
        assertThat(CommandSigner.fromConfig(optedOut).signs()).isFalse();
        assertThatThrownBy(() -> new AgentwatchConfig(Map.of("response.signing.key", "old-hmac-secret")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("response.signing.key.file");
    }

    @Test
    void shouldBeVerifiableByOpensslFromThePublicKeyFileAlone() throws Exception {
        // given: a credential broker that is not written in Java has the .pub file and the record
        KeyFiles.write(Ed25519.generate(), dir.resolve("aw.key"), dir.resolve("aw.pub"));
        RevokeCommand c = CommandSigner.with(KeyFiles.readSigningKey(dir.resolve("aw.key"))).sign(unsigned());
        Files.write(dir.resolve("signed.json"), CommandSigner.signedBytes(c));
        Files.write(dir.resolve("sig.bin"), Ed25519.fromBase64url(c.getSignature()));

        // when
        int valid = openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "aw.pub", "-in", "signed.json",
                "-sigfile", "sig.bin");
        Files.write(dir.resolve("signed.json"), CommandSigner.signedBytes(
                RevokeCommand.newBuilder(c).setScope(RevokeScope.AGENT).build()));
        int tampered = openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "aw.pub", "-in", "signed.json",
                "-sigfile", "sig.bin");

        // then
        assertThat(valid).isZero();
        assertThat(tampered).isNotZero();
    }

    @Test
    void shouldSignWithAKeyMadeByOpenssl() throws Exception {
        // given
        assertThat(openssl("genpkey", "-algorithm", "ed25519", "-out", "ossl.key")).isZero();
        assertThat(openssl("pkey", "-in", "ossl.key", "-pubout", "-out", "ossl.pub")).isZero();
        Files.writeString(dir.resolve("ossl.key"), Files.readString(dir.resolve("ossl.pub")), StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(dir.resolve("ossl.key"), PosixFilePermissions.fromString("rw-------"));

        // when
        RevokeCommand c = CommandSigner.with(KeyFiles.readSigningKey(dir.resolve("ossl.key"))).sign(unsigned());

        // then
        assertThat(KeyFiles.readTrustedKeys(dir.resolve("ossl.pub"))
                .check(c.getKeyId(), CommandSigner.signedBytes(c), c.getSignature())).isEqualTo(TrustedKeys.Check.VALID);
    }

    private int openssl(String... args) throws Exception {
        return Openssl.run(dir, args);
    }
}
