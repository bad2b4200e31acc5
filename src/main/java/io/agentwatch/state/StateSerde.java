package io.agentwatch.state;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the RocksDB state values: one version byte, then the object in CBOR. The version
 * byte lets a later release read (and migrate) what an earlier one wrote, so an upgrade keeps
 * the baselines; unknown fields are ignored and missing ones keep their defaults, which covers
 * additive changes without a new version.
 */
public final class StateSerde<T> implements Serde<T> {
    public static final byte VERSION = 1;

    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory())
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Class<T> type;

    public StateSerde(Class<T> type) {
        this.type = type;
    }

    public static StateSerde<Baseline> baselines() {
        return new StateSerde<>(Baseline.class);
    }

    public static StateSerde<SessionState> sessions() {
        return new StateSerde<>(SessionState.class);
    }

    public static StateSerde<TokenState> tokens() {
        return new StateSerde<>(TokenState.class);
    }

    public static StateSerde<TaskBaselines> taskBaselines() {
        return new StateSerde<>(TaskBaselines.class);
    }

    public static StateSerde<CredentialState> credentials() {
        return new StateSerde<>(CredentialState.class);
    }

    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            byte[] body = CBOR.writeValueAsBytes(value);
            byte[] out = new byte[body.length + 1];
            out[0] = VERSION;
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        } catch (IOException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + " state", e);
        }
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new SerializationException(type.getSimpleName() + " state has version "
                    + (bytes.length == 0 ? "none" : bytes[0]) + " but this release reads version " + VERSION
                    + "; run the release that wrote it, or reset the application's state");
        }
        try {
            return CBOR.readValue(Arrays.copyOfRange(bytes, 1, bytes.length), type);
        } catch (IOException e) {
            throw new SerializationException("cannot decode " + type.getSimpleName() + " state", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> decode(bytes);
    }
}
