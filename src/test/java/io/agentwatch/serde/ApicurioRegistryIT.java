package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.ToolCall;
import io.agentwatch.testing.ApicurioRegistryExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The serde and the HTTP client against a real Apicurio Registry serving the Confluent API. */
@ExtendWith(ApicurioRegistryExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApicurioRegistryIT {

    /** The registry lives for the whole test JVM: each test takes its own topic, hence subject. */
    private final String topic = "it.tool-calls." + UUID.randomUUID();
    private final String subject = topic + "-value";
    private final String url;
    private final Map<String, Object> config;

    ApicurioRegistryIT(ApicurioRegistryExtension.Registry registry) {
        this.url = registry.url();
        this.config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
    }

    @Test
    void shouldRegisterASchemaAndServeItBackByIdAndAsLatestVersion() {
        // given
        HttpSchemaRegistryClient writerSide = client();

        // when
        int id = writerSide.register(subject, ToolCall.getClassSchema());

        // then a client with empty caches reads it back
        HttpSchemaRegistryClient readerSide = client();
        assertThat(readerSide.getById(id)).isEqualTo(ToolCall.getClassSchema());
        assertThat(readerSide.getId(subject, ToolCall.getClassSchema())).isEqualTo(id);
        assertThat(readerSide.getLatest(subject)).isEqualTo(new RegisteredSchema(subject, 1, id, ToolCall.getClassSchema()));
    }

    @Test
    void shouldGiveTheSameSchemaTheSameIdUnderAnotherSubject() {
        // given
        int id = client().register(subject, ToolCall.getClassSchema());

        // when
        int again = client().register(topic + ".copy-value", ToolCall.getClassSchema());

        // then
        assertThat(again).isEqualTo(id);
    }

    @Test
    void shouldRoundTripAToolCallThroughTheRealRegistry() {
        // given a writer and a reader that share nothing but the registry
        Serde<ToolCall> writer = AvroSerdes.forClass(ToolCall.class, config);
        Serde<ToolCall> reader = AvroSerdes.forClass(ToolCall.class, config);

        // when
        byte[] bytes = writer.serializer().serialize(topic, SampleRecords.toolCall());
        ToolCall read = reader.deserializer().deserialize(topic, bytes);

        // then
        assertThat(read).isEqualTo(SampleRecords.toolCall());
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(client().getId(subject, ToolCall.getClassSchema()));
    }

    @Test
    void shouldReadToolCallsWrittenWithOlderAndNewerVersionsOfABackwardCompatibleSubject() throws Exception {
        // given a BACKWARD subject whose history is: older ToolCall, today's, newer (an extra optional field)
        Schema older = ToolCallVersions.older();
        Schema newer = ToolCallVersions.newer();
        int olderId = client().register(subject, older);
        setCompatibility(subject, "BACKWARD");
        client().register(subject, ToolCall.getClassSchema());
        int newerId = client().register(subject, newer);
        byte[] fromOlder = WireBytes.frame(olderId, WireBytes.avroBinary(ToolCallVersions.sampleAs(older, null)));
        byte[] fromNewer = WireBytes.frame(newerId, WireBytes.avroBinary(ToolCallVersions.sampleAs(newer, "gpt-x")));

        // when a reader fetches the writers' schemas by id
        Serde<ToolCall> reader = AvroSerdes.forClass(ToolCall.class, config);
        ToolCall readFromOlder = reader.deserializer().deserialize(topic, fromOlder);
        ToolCall readFromNewer = reader.deserializer().deserialize(topic, fromNewer);

        // then
        assertThat(client().getLatest(subject)).extracting(RegisteredSchema::version, RegisteredSchema::id)
                .containsExactly(3, newerId);
        assertThat(readFromNewer).isEqualTo(SampleRecords.toolCall());
        ToolCall expectedFromOlder = SampleRecords.toolCall();
        expectedFromOlder.setRequiredScope(null);
        expectedFromOlder.setDelegatedTo(null);
        expectedFromOlder.setAttributes(Map.of());
        assertThat(readFromOlder).isEqualTo(expectedFromOlder);
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaWithAClearErrorOnceTheSubjectIsBackwardCompatible() throws Exception {
        // given
        client().register(subject, ToolCall.getClassSchema());
        setCompatibility(subject, "BACKWARD");

        // when / then: a new field without default cannot be read from old records
        assertThatThrownBy(() -> client().register(subject, ToolCallVersions.withNewRequiredField()))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("is incompatible with the versions already registered under subject '" + subject)
                .hasMessageContaining("compatibility setting")
                .hasMessageContaining("cost_center");
        assertThat(client().getLatest(subject).version()).isEqualTo(1);
    }

    @Test
    void shouldAcceptTheSignedRevokeCommandSchemaAfterTheUnsignedOneUnderFullCompatibility() throws Exception {
        // given the command topic's subject with the schema from before signing, held to FULL
        String commands = "it.revoke-commands." + UUID.randomUUID() + "-value";
        client().register(commands, RevokeCommandSchemaTest.previous());
        setCompatibility(commands, "FULL");

        // when
        int id = client().register(commands, io.agentwatch.avro.RevokeCommand.getClassSchema());

        // then
        assertThat(client().getLatest(commands)).extracting(RegisteredSchema::version, RegisteredSchema::id)
                .containsExactly(2, id);
    }

    @Test
    void shouldReportASchemaIdTheRealRegistryDoesNotKnowAsUnknownSchemaId() {
        // given
        byte[] payload = WireBytes.frame(987_654, WireBytes.avroBinary(SampleRecords.toolCall()));
        Serde<ToolCall> reader = AvroSerdes.forClass(ToolCall.class, config);

        // when / then
        assertThatThrownBy(() -> reader.deserializer().deserialize(topic, payload))
                .isInstanceOfSatisfying(AvroSerdeException.class,
                        e -> assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.UNKNOWN_SCHEMA_ID))
                .hasMessageContaining("987654");
    }

    private HttpSchemaRegistryClient client() {
        return new HttpSchemaRegistryClient(new AvroSerdeConfig(config));
    }

    private void setCompatibility(String subject, String level) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/config/" + subject))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT /config/%s: %s", subject, response.body()).isEqualTo(200);
    }
}
