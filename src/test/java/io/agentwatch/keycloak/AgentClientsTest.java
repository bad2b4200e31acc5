package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClientsTest {
    private static final String BRIDGE = "agentwatch-bridge";

    @TempDir
    Path dir;

    @Test
    void shouldMapListedClientsBothWaysWithTheirBoundaries() throws IOException {
        // given
        AgentClients clients = AgentClients.load(file("""
                clients:
                  billing-bot:
                    agent_id: spiffe://corp.example/agents/billing
                    boundaries: [corp, billing]
                  research-1:
                    agent_id: spiffe://corp.example/agents/research-1
                """), "", BRIDGE);

        // when / then
        assertThat(clients.byClientId("billing-bot")).hasValueSatisfying(c -> {
            assertThat(c.agentId()).isEqualTo("spiffe://corp.example/agents/billing");
            assertThat(c.boundaries()).containsExactly("corp", "billing");
        });
        assertThat(clients.byClientId("research-1")).hasValueSatisfying(c -> assertThat(c.boundaries()).isNull());
        assertThat(clients.clientIdOf("spiffe://corp.example/agents/billing")).contains("billing-bot");
        assertThat(clients.byClientId("web-app")).isEmpty();
        assertThat(clients.clientIdOf("spiffe://corp.example/agents/web-app")).isEmpty();
    }

    @Test
    void shouldMapOtherClientsByTheTemplateButNeverTheBridgeItself() throws IOException {
        // given a file that names one client under another id, and a template for the rest
        AgentClients clients = AgentClients.load(file("""
                clients:
                  billing-bot:
                    agent_id: spiffe://corp.example/agents/billing
                """), "spiffe://corp.example/agents/{client_id}", BRIDGE);

        // then
        assertThat(clients.byClientId("support-1")).hasValueSatisfying(
                c -> assertThat(c.agentId()).isEqualTo("spiffe://corp.example/agents/support-1"));
        assertThat(clients.clientIdOf("spiffe://corp.example/agents/support-1")).contains("support-1");
        assertThat(clients.byClientId(BRIDGE)).isEmpty();
        assertThat(clients.clientIdOf("spiffe://corp.example/agents/" + BRIDGE)).isEmpty();
        // the template must not give a second agent id to a listed client, nor take the listed one's
        assertThat(clients.clientIdOf("spiffe://corp.example/agents/billing-bot")).isEmpty();
        assertThat(clients.byClientId("billing")).isEmpty();
        // a clientId that makes no SPIFFE id is not an agent
        assertThat(clients.byClientId("has space")).isEmpty();
    }

    @Test
    void shouldRefuseMappingsThatCannotWork() throws IOException {
        assertThatThrownBy(() -> AgentClients.load(file("""
                clients:
                  a: {agent_id: spiffe://corp.example/agents/x}
                  b: {agent_id: spiffe://corp.example/agents/x}
                """), "", BRIDGE)).hasMessageContaining("both mapped to spiffe://corp.example/agents/x");
        assertThatThrownBy(() -> AgentClients.load(file("clients:\n  a: {agent_id: billing-bot}\n"), "", BRIDGE))
                .hasMessageContaining("not a SPIFFE id");
        assertThatThrownBy(() -> AgentClients.load(file("clients:\n  a: {}\n"), "", BRIDGE))
                .hasMessageContaining("agent_id is missing");
        assertThatThrownBy(() -> AgentClients.load(file("clients:\n  " + BRIDGE + ": {agent_id: spiffe://c.example/a/b}\n"),
                "", BRIDGE)).hasMessageContaining("the bridge's own client");
        assertThatThrownBy(() -> AgentClients.load("", "spiffe://corp.example/agents/", BRIDGE))
                .hasMessageContaining("{client_id} exactly once");
        assertThatThrownBy(() -> AgentClients.load("", "", BRIDGE)).hasMessageContaining("no Keycloak client is mapped");
        assertThatThrownBy(() -> AgentClients.load(dir.resolve("missing.yaml").toString(), "", BRIDGE))
                .hasMessageContaining("cannot read keycloak.clients.file");
    }

    private String file(String yaml) throws IOException {
        Path f = Files.createTempFile(dir, "clients", ".yaml");
        Files.writeString(f, yaml);
        return f.toString();
    }
}
