package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryClientTest {

    private final String scope = "mock-registry-test-" + UUID.randomUUID();
    private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    @Test
    void shouldGiveTheSameSchemaTheSameIdUnderEverySubject() {
        // when
        int first = registry.register("a-value", ToolCall.getClassSchema());
        int second = registry.register("b-value", ToolCall.getClassSchema());
        int other = registry.register("a-value", TokenIssued.getClassSchema());

        // then
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(registry.getById(first)).isEqualTo(ToolCall.getClassSchema());
    }

    @Test
    void shouldListVersionsOfASubjectInRegistrationOrder() {
        // given
        registry.register("a-value", ToolCall.getClassSchema());
        int newer = registry.register("a-value", ToolCallVersions.newer());
        registry.register("a-value", ToolCall.getClassSchema());

        // when
        RegisteredSchema latest = registry.getLatest("a-value");

        // then re-registering an existing version adds none
        assertThat(latest).isEqualTo(new RegisteredSchema("a-value", 2, newer, ToolCallVersions.newer()));
    }

    @Test
    void shouldFindTheIdOnlyUnderASubjectThatHoldsTheSchema() {
        // given
        int id = registry.register("a-value", ToolCall.getClassSchema());

        // when / then
        assertThat(registry.getId("a-value", ToolCall.getClassSchema())).isEqualTo(id);
        assertThatThrownBy(() -> registry.getId("b-value", ToolCall.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("b-value");
    }

    @Test
    void shouldReportUnknownIdsAndSubjects() {
        // when / then
        assertThatThrownBy(() -> registry.getById(99)).isInstanceOf(SchemaNotFoundException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> registry.getLatest("nope")).isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldShareOneRegistryPerScopeUntilTheScopeIsDropped() {
        // given
        int id = registry.register("a-value", ToolCall.getClassSchema());

        // when
        SchemaRegistryClient sameScope = SchemaRegistryClients.create(
                new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope)));
        MockSchemaRegistryClient.dropScope(scope);
        MockSchemaRegistryClient afterDrop = MockSchemaRegistryClient.forScope(scope);

        // then
        assertThat(sameScope).isSameAs(registry);
        assertThat(sameScope.getById(id)).isEqualTo(ToolCall.getClassSchema());
        assertThatThrownBy(() -> afterDrop.getById(id)).isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldChooseTheHttpClientForHttpUrls() {
        // when
        SchemaRegistryClient client = SchemaRegistryClients.create(
                new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1")));

        // then
        assertThat(client).isInstanceOf(HttpSchemaRegistryClient.class);
    }
}
