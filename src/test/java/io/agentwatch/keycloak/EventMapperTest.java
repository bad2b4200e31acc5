package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.keycloak.AgentClients.AgentClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventMapperTest {
    private static final String ISSUER = "http://keycloak.example/realms/agents";
    private static final long T = 1_796_185_533_365L;
    private final AgentClients clients = new AgentClients(
            Map.of("billing-bot", new AgentClient("billing-bot", "spiffe://corp.example/agents/billing", List.of("corp"))),
            "spiffe://corp.example/agents/{client_id}", "agentwatch-bridge");
    private final EventMapper mapper = new EventMapper(clients, clientId -> clientId.equals("billing-bot") ? 300 : 60, ISSUER);

    @Test
    void shouldMapAClientCredentialsLoginToAnIssuanceWhoseSessionIsTheToken() {
        // given a CLIENT_LOGIN as Keycloak 26.7 records it
        KeycloakEvent e = new KeycloakEvent("e1", T, "CLIENT_LOGIN", "billing-bot", "sa-user", null, null, Map.of(
                "token_id", "trrtcc:551b", "grant_type", "client_credentials", "scope", "tickets:read mail:send"));

        // when
        EventMapper.Mapped m = mapper.map(e);

        // then
        assertThat(m).isInstanceOfSatisfying(EventMapper.Issued.class, i -> {
            TokenIssued t = i.event();
            assertThat(t.getTokenId()).isEqualTo("trrtcc:551b");
            assertThat(t.getAgentId()).isEqualTo("spiffe://corp.example/agents/billing");
            assertThat(t.getSessionId()).isEqualTo("trrtcc:551b");
            assertThat(t.getScopes()).containsExactly("tickets:read", "mail:send");
            assertThat(t.getBoundaries()).containsExactly("corp");
            assertThat(t.getIssuedAt()).isEqualTo(Instant.ofEpochMilli(T));
            // iat is whole seconds; exp = iat + the client's lifespan
            assertThat(t.getExpiresAt()).isEqualTo(Instant.ofEpochSecond(T / 1000 + 300));
            assertThat(t.getIssuer()).isEqualTo(ISSUER);
            assertThat(t.getActorChain()).isEmpty();
            assertThat(i.token().clientId()).isEqualTo("billing-bot");
            assertThat(i.token().userId()).isEqualTo("sa-user");
            assertThat(i.token().issuedAtSecond()).isEqualTo(T / 1000);
        });
    }

    @Test
    void shouldNameTheSubjectTokensAgentAsDelegatorOfAnExchangedToken() {
        // given research-1 exchanged a token of billing-bot (26.7: no act claim, the subject's client in the details)
        KeycloakEvent e = new KeycloakEvent("e2", T, "TOKEN_EXCHANGE", "research-1", "sa-user", null, null, Map.of(
                "token_id", "trrtte:3035", "scope", "tickets:read", "audience", "gateway",
                "subject_token_client_id", "billing-bot"));

        // then
        assertThat(mapper.map(e)).isInstanceOfSatisfying(EventMapper.Issued.class, i -> {
            assertThat(i.event().getAgentId()).isEqualTo("spiffe://corp.example/agents/research-1");
            assertThat(i.event().getAudience()).isEqualTo("gateway");
            assertThat(i.event().getActorChain()).singleElement().satisfies(a -> {
                assertThat(a.getSub()).isEqualTo("spiffe://corp.example/agents/billing");
                assertThat(a.getTokenId()).isNull();
            });
            assertThat(i.event().getExpiresAt()).isEqualTo(Instant.ofEpochSecond(T / 1000 + 60));
        });
    }

    @Test
    void shouldMapARevocationByTheTokensClient() {
        KeycloakEvent e = new KeycloakEvent("e3", T, "REVOKE_GRANT", "billing-bot", "sa-user", null, null,
                Map.of("token_id", "trrtcc:551b", "client_auth_method", "client-secret"));

        assertThat(mapper.map(e)).isEqualTo(new EventMapper.Revoked("trrtcc:551b", "billing-bot", T));
    }

    @Test
    void shouldSkipWhatIsNotAnAgentsTokenAndFlagWhatIsMalformed() {
        assertThat(mapper.map(new KeycloakEvent("e4", T, "CLIENT_LOGIN", "agentwatch-bridge", null, null, null,
                Map.of("token_id", "x")))).isEqualTo(new EventMapper.Skipped("not-an-agent-client", false));
        assertThat(mapper.map(new KeycloakEvent("e5", T, "CLIENT_LOGIN", "billing-bot", null, null, "invalid_client_credentials",
                Map.of()))).isEqualTo(new EventMapper.Skipped("error-event", false));
        assertThat(mapper.map(new KeycloakEvent("e6", T, "CLIENT_LOGIN", "billing-bot", null, null, null, Map.of())))
                .isEqualTo(new EventMapper.Skipped("no-token-id", true));
    }
}
