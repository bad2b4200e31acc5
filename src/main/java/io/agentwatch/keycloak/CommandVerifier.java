package io.agentwatch.keycloak;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.trust.KeyFiles;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.kafka.common.config.ConfigException;

/**
 * Decides whether the bridge may act on a revoke command, before it touches Keycloak. A refused
 * command is dead-lettered with the reason, never silently dropped. {@link #fromConfig}: the
 * signature check of {@link io.agentwatch.respond.CommandVerifier} against the keys of
 * {@code keycloak.command.keys.file}, or, only when signatures are explicitly not required,
 * {@link #ACCEPT_ALL}.
 */
@FunctionalInterface
public interface CommandVerifier {

    /** accepted, or refused with a reason a person can act on. */
    record Verdict(boolean accepted, String reason) {
        public static final Verdict ACCEPT = new Verdict(true, null);

        public static Verdict refuse(String reason) {
            return new Verdict(false, reason);
        }
    }

    Verdict verify(RevokeCommand command);

    /** Trusts every command read from the revoke-commands topic (access to it is the control). */
    CommandVerifier ACCEPT_ALL = command -> Verdict.ACCEPT;

    /** Commands signed by one of {@code keysFile}'s keys, unaltered, unexpired and not seen before. */
    static CommandVerifier signedBy(Path keysFile, Clock clock) {
        io.agentwatch.respond.CommandVerifier signatures =
                new io.agentwatch.respond.CommandVerifier(KeyFiles.readTrustedKeys(keysFile), clock);
        return command -> {
            io.agentwatch.respond.CommandVerifier.Verdict v = signatures.verify(command);
            return v.accepted() ? Verdict.ACCEPT : Verdict.refuse(v.reason() + ": " + v.detail());
        };
    }

    /**
     * @throws ConfigException when signed commands are required (the default) and no keys file is set
     */
    static CommandVerifier fromConfig(AgentwatchConfig c, Clock clock) {
        String file = c.getString(AgentwatchConfig.KEYCLOAK_COMMAND_KEYS_FILE);
        if (!file.isBlank()) {
            return signedBy(Path.of(file), clock);
        }
        if (c.getBoolean(AgentwatchConfig.KEYCLOAK_REQUIRE_SIGNED_COMMANDS)) {
            throw new ConfigException(AgentwatchConfig.KEYCLOAK_COMMAND_KEYS_FILE + " is not set: the bridge acts only"
                    + " on revoke commands signed by agentwatch; give it the .pub file of agentwatch's signing key"
                    + " (AGENTWATCH_KEYCLOAK_COMMAND_KEYS_FILE), or set " + AgentwatchConfig.KEYCLOAK_REQUIRE_SIGNED_COMMANDS
                    + "=false to act on every command on the topic");
        }
        return ACCEPT_ALL;
    }
}
