package io.agentwatch.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.trust.CanonicalJson;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.trust.SigningKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Signs revoke commands with Ed25519, so the credential broker acts only on commands
 * agentwatch issued, unaltered. The signature covers the RFC 8785 canonical JSON of every
 * field of the command but {@code signature} itself ({@link #signedBytes}): key id, a fresh
 * random nonce, issued_at and expires_at included, so a copy can be recognised and a stale
 * command refused. Null fields are left out, so a field added later with a null default does
 * not change what older commands' signatures cover.
 */
public final class CommandSigner {
    public static final String SIGNING_NONE = "none";
    public static final String SIGNING_ED25519 = "ed25519";

    private static final CommandSigner NONE = new CommandSigner(null);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SIGNATURE_FIELD = "signature";

    private final SigningKey key;
    private final SecureRandom random = new SecureRandom();

    private CommandSigner(SigningKey key) {
        this.key = key;
    }

    /** Publishes commands unsigned ({@code response.signing=none}). */
    public static CommandSigner none() {
        return NONE;
    }

    public static CommandSigner with(SigningKey key) {
        return new CommandSigner(key);
    }

    /**
     * The signer {@code response.signing} and {@code response.signing.key.file} describe; without a
     * key file, none (offline replay; {@link #requireKey} keeps {@code run} from going unsigned).
     */
    public static CommandSigner fromConfig(AgentwatchConfig config) {
        String file = config.getString(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE);
        if (SIGNING_NONE.equals(config.getString(AgentwatchConfig.RESPONSE_SIGNING)) || file.isBlank()) {
            return NONE;
        }
        return with(KeyFiles.readSigningKey(Path.of(file)));
    }

    /**
     * A detector that publishes commands must sign them, unless the operator said otherwise:
     * a credential broker cannot tell an unsigned command from one forged by anyone with write
     * access to the topic.
     *
     * @throws ConfigException naming the two ways out
     */
    public static void requireKey(AgentwatchConfig config) {
        if (SIGNING_ED25519.equals(config.getString(AgentwatchConfig.RESPONSE_SIGNING))
                && config.getString(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE).isBlank()) {
            throw new ConfigException("revoke commands must be signed and no signing key is configured: create one"
                    + " with `agentwatch keys` and set " + AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE
                    + " (AGENTWATCH_RESPONSE_SIGNING_KEY_FILE) to its .key file, giving the credential broker the"
                    + " .pub file; or set " + AgentwatchConfig.RESPONSE_SIGNING + "=none to publish unsigned"
                    + " commands (the broker then trusts anyone who can write to the command topic)");
        }
    }

    public boolean signs() {
        return key != null;
    }

    /** Sets key_id, a new nonce and the signature of {@code c}; returns it unchanged when signing is off. */
    public RevokeCommand sign(RevokeCommand c) {
        if (key == null) {
            return c;
        }
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        c.setKeyId(key.keyId());
        c.setNonce(Ed25519.base64url(nonce));
        c.setSignature(Ed25519.base64url(key.sign(signedBytes(c))));
        return c;
    }

    /** What the signature covers: the canonical JSON of the command without its signature. */
    public static byte[] signedBytes(RevokeCommand c) {
        ObjectNode json = NODES.objectNode();
        for (Schema.Field field : c.getSchema().getFields()) {
            Object value = c.get(field.pos());
            if (value != null && !field.name().equals(SIGNATURE_FIELD)) {
                json.set(field.name(), toJson(field.name(), value));
            }
        }
        return CanonicalJson.bytes(json);
    }

    private static JsonNode toJson(String field, Object value) {
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof Instant instant) {
            return NODES.numberNode(instant.toEpochMilli());
        }
        if (value instanceof Long || value instanceof Integer) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(toJson(field, item)));
            return array;
        }
        // A new field type must be given a JSON form here, deliberately: it changes what is signed.
        throw new IllegalStateException("RevokeCommand field '" + field + "' has a type the signature does not"
                + " cover yet: " + value.getClass().getName());
    }
}
