package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.ToolCall;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

    private final String scope = "avro-serdes-test-" + UUID.randomUUID();

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    /** A stand-in for a third-party serde such as Confluent's SpecificAvroSerde. */
    public static final class RecordingSerde implements Serde<ToolCall> {
        Map<String, ?> configs;
        Boolean isKey;

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            this.configs = configs;
            this.isKey = isKey;
        }

        @Override
        public Serializer<ToolCall> serializer() {
            return (topic, data) -> new byte[] {42};
        }

        @Override
        public Deserializer<ToolCall> deserializer() {
            return (topic, data) -> SampleRecords.toolCall();
        }
    }

    public static final class SerdeWithoutNoArgConstructor implements Serde<String> {
        public SerdeWithoutNoArgConstructor(String unused) {
        }

        @Override
        public Serializer<String> serializer() {
            return Serdes.String().serializer();
        }

        @Override
        public Deserializer<String> deserializer() {
            return Serdes.String().deserializer();
        }
    }

    @Test
    void shouldCreateAConfiguredAvroSerdeByDefault() {
        // given
        Map<String, Object> config = config();

        // when
        Serde<ToolCall> serde = AvroSerdes.forClass(ToolCall.class, config);

        // then it works without another configure call
        assertThat(serde).isInstanceOf(AvroSerde.class);
        byte[] bytes = serde.serializer().serialize("agent.tool-calls", SampleRecords.toolCall());
        assertThat(serde.deserializer().deserialize("agent.tool-calls", bytes)).isEqualTo(SampleRecords.toolCall());
        assertThat(MockSchemaRegistryClient.forScope(scope).getLatest("agent.tool-calls-value").schema())
                .isEqualTo(ToolCall.getClassSchema());
    }

    @Test
    void shouldCreateAndConfigureTheSerdeClassNamedInValueSerdeClassAsAValueSerde() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdes.VALUE_SERDE_CLASS, RecordingSerde.class.getName());

        // when
        Serde<ToolCall> serde = AvroSerdes.forClass(ToolCall.class, config);

        // then
        assertThat(serde).isInstanceOf(RecordingSerde.class);
        RecordingSerde plugged = (RecordingSerde) serde;
        assertThat(plugged.configs).isEqualTo(config);
        assertThat(plugged.isKey).isFalse();
        assertThat(serde.serializer().serialize("agent.tool-calls", SampleRecords.toolCall())).containsExactly(42);
    }

    @Test
    void shouldAcceptOurOwnSerdeNamedExplicitly() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdes.VALUE_SERDE_CLASS, AvroSerde.class.getName());

        // when
        Serde<ToolCall> serde = AvroSerdes.forClass(ToolCall.class, config);

        // then
        assertThat(serde).isInstanceOf(AvroSerde.class);
        assertThat(serde.serializer().serialize("agent.tool-calls", SampleRecords.toolCall())).startsWith(0);
    }

    @Test
    void shouldRefuseAValueSerdeClassThatIsNotASerde() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdes.VALUE_SERDE_CLASS, String.class.getName());

        // when / then
        assertThatThrownBy(() -> AvroSerdes.forClass(ToolCall.class, config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdes.VALUE_SERDE_CLASS)
                .hasMessageContaining("not an implementation of org.apache.kafka.common.serialization.Serde");
    }

    @Test
    void shouldRefuseAValueSerdeClassWithoutPublicNoArgConstructor() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdes.VALUE_SERDE_CLASS, SerdeWithoutNoArgConstructor.class);

        // when / then
        assertThatThrownBy(() -> AvroSerdes.forClass(ToolCall.class, config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs a public no-arg constructor");
    }

    @Test
    void shouldRefuseAnUnknownValueSerdeClass() {
        // given
        Map<String, Object> config = config();
        config.put(AvroSerdes.VALUE_SERDE_CLASS, "com.example.NoSuchSerde");

        // when / then
        assertThatThrownBy(() -> AvroSerdes.forClass(ToolCall.class, config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("com.example.NoSuchSerde");
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        return config;
    }
}
