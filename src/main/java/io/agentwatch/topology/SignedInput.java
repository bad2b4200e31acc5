package io.agentwatch.topology;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.trust.KeyFiles;
import io.agentwatch.trust.TelemetrySignature;
import io.agentwatch.trust.TrustedKeys;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The check of {@code input.require.signature}: a source record is decoded only if a trusted
 * gateway signed its key and value bytes ({@link TelemetrySignature}); otherwise decoding fails
 * with a {@link ValidationException}, and the dead-letter handler sends the raw record to the
 * DLQ with the reason ({@code signature-missing}, {@code signature-unknown-key},
 * {@code signature-invalid}) and counts it.
 *
 * <p>Why in the deserializers: the signature is over the bytes as written, which only the
 * deserializers see, and a record that fails must not reach the validator or move stream time.
 * Kafka Streams decodes a record's key, then its value, on the same thread with the same
 * {@link Headers} instance; the key deserializer keeps the raw key for the value deserializer,
 * which checks that it came from the same record (same headers) and fails closed otherwise.
 */
final class SignedInput {
    private record RawKey(Headers headers, byte[] bytes) {
    }

    /** Null: no check, plain decoding. */
    private final TrustedKeys trusted;
    private final ThreadLocal<RawKey> lastKey = new ThreadLocal<>();

    SignedInput(TrustedKeys trusted) {
        this.trusted = trusted;
    }

    static SignedInput off() {
        return new SignedInput(null);
    }

    static SignedInput fromConfig(AgentwatchConfig config) {
        if (!config.getBoolean(AgentwatchConfig.INPUT_REQUIRE_SIGNATURE)) {
            return off();
        }
        String file = config.getString(AgentwatchConfig.INPUT_TRUSTED_KEYS_FILE);
        if (file.isBlank()) {
            throw new ConfigException(AgentwatchConfig.INPUT_REQUIRE_SIGNATURE + "=true needs "
                    + AgentwatchConfig.INPUT_TRUSTED_KEYS_FILE + ": a PEM file with the public key of every gateway"
                    + " allowed to write telemetry (cat gateway-*.pub > trusted-gateways.pem)");
        }
        return new SignedInput(KeyFiles.readTrustedKeys(Path.of(file)));
    }

    Deserializer<String> keys() {
        StringDeserializer strings = new StringDeserializer();
        if (trusted == null) {
            return strings;
        }
        return new Deserializer<>() {
            @Override
            public String deserialize(String topic, byte[] data) {
                throw new IllegalStateException("signed input needs the record headers");
            }

            @Override
            public String deserialize(String topic, Headers headers, byte[] data) {
                lastKey.set(new RawKey(headers, data));
                return strings.deserialize(topic, headers, data);
            }
        };
    }

    @SuppressWarnings("unchecked")
    <T> Deserializer<Object> values(Deserializer<T> decoder) {
        return (Deserializer<Object>) (trusted == null ? decoder : checked(decoder));
    }

    private <T> Deserializer<T> checked(Deserializer<T> decoder) {
        return new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                throw new IllegalStateException("signed input needs the record headers");
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] data) {
                RawKey key = lastKey.get();
                lastKey.remove();
                if (key == null || key.headers() != headers) {
                    throw new ValidationException("signature-unverifiable", "the record key was not seen with its"
                            + " value, so the signature cannot be checked (a change in how Kafka Streams decodes?)");
                }
                TelemetrySignature.Result result = TelemetrySignature.verify(trusted, key.bytes(), data, headers);
                if (result != TelemetrySignature.Result.VALID) {
                    throw rejection(result);
                }
                return decoder.deserialize(topic, headers, data);
            }

            @Override
            public void close() {
                decoder.close();
            }
        };
    }

    private static ValidationException rejection(TelemetrySignature.Result result) {
        return switch (result) {
            case MISSING -> new ValidationException("signature-missing", "input.require.signature is on and the"
                    + " record has no " + TelemetrySignature.SIGNATURE_HEADER + " / " + TelemetrySignature.KEY_ID_HEADER
                    + " headers: only signing gateways may write to the input topics");
            case UNKNOWN_KEY -> new ValidationException("signature-unknown-key", "the record is signed by a key that"
                    + " is not in input.trusted.keys.file");
            case INVALID, VALID -> new ValidationException("signature-invalid", "the record's signature does not match"
                    + " its key and value bytes: altered after signing, or forged");
        };
    }
}
