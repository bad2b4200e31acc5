package io.agentwatch.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Evidence;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Finding finding() {
        return Finding.newBuilder().setFindingId("f-1").setAgentId("spiffe://corp.example/agents/a").setSessionId(null)
                .setDetector("SCOPE_DRIFT").setRule("drift.action").setSeverity(Severity.MEDIUM).setScore(25)
                .setSummary("s").setEvidence(Evidence.newBuilder().setEventIds(List.of("e-1")).setTools(List.of())
                        .setBoundaries(List.of()).setScopes(List.of()).setTokenIds(List.of()).setNotes(List.of()).build())
                .setObservations(List.of(Observation.newBuilder().setGrain("tool").setValue("x").setVerdict("UNSEEN")
                        .setCount(0).setTotal(135.49243107033803).setDistinct(4).setProbability(1.0 / 3)
                        .setSurprisalBits(5.0167972553).build()))
                .setBaselineState(BaselineState.ACTIVE).setAction(Action.ALERT).setSessionRisk(25)
                .setDetectedAt(Instant.parse("2026-01-05T09:00:01.5Z")).setEventTime(Instant.parse("2026-01-05T09:00:00Z"))
                .build();
    }

    @Test
    void shouldWritePlainJsonWithoutUnionWrappersIsoTimesAndEnumNames() {
        // when
        JsonNode node = AvroJson.toJson(finding());

        // then
        assertThat(node.get("session_id").isNull()).isTrue();
        assertThat(node.get("severity").asText()).isEqualTo("MEDIUM");
        assertThat(node.get("detected_at").asText()).isEqualTo("2026-01-05T09:00:01.500Z");
        assertThat(node.get("evidence").get("event_ids").get(0).asText()).isEqualTo("e-1");
        assertThat(node.get("observations").get(0).get("total").asDouble()).isEqualTo(135.492431);
        assertThat(node.get("observations").get(0).get("probability").asDouble()).isEqualTo(0.333333);
    }

    @Test
    void shouldReadBackWhatItWrites() {
        // given
        RevokeCommand c = RevokeCommand.newBuilder().setCommandId("rc-1").setAgentId("a").setScope(RevokeScope.TOKEN)
                .setTokenIds(List.of("t")).setSessionId("s").setReason("r").setFindingIds(List.of("f"))
                .setIssuedAt(Instant.parse("2026-01-05T09:00:00Z")).setExpiresAt(Instant.parse("2026-01-05T10:00:00Z"))
                .setTriggerEventId(null).setSignature("sig").build();

        // when / then
        assertThat(AvroJson.fromJson(AvroJson.toJson(c), RevokeCommand.class)).isEqualTo(c);
    }

    @Test
    void shouldNameTheFieldThatIsWrongEvenInsideNestedRecords() throws Exception {
        // given
        JsonNode badActor = JSON.readTree("{\"token_id\":\"t\",\"agent_id\":\"a\",\"issued_at\":0,\"expires_at\":1,"
                + "\"actor_chain\":[{\"sub\":[1]}]}");
        JsonNode badScopes = JSON.readTree("{\"token_id\":\"t\",\"agent_id\":\"a\",\"issued_at\":0,\"expires_at\":1,"
                + "\"scopes\":\"mail:read\"}");

        // then
        assertThatThrownBy(() -> AvroJson.fromJson(badActor, TokenIssued.class))
                .hasMessageContaining("actor_chain[].sub").hasMessageContaining("string");
        assertThatThrownBy(() -> AvroJson.fromJson(badScopes, TokenIssued.class))
                .hasMessageContaining("scopes").hasMessageContaining("array");
    }

    @Test
    void shouldGiveMissingOptionalFieldsTheirSchemaDefaults() throws Exception {
        // when
        TokenIssued t = AvroJson.fromJson(JSON.readTree("{\"token_id\":\"t\",\"agent_id\":\"a\",\"issued_at\":0,"
                + "\"expires_at\":\"2026-01-05T10:00:00Z\"}"), TokenIssued.class);

        // then
        assertThat(t.getScopes()).isNull();
        assertThat(t.getBoundaries()).isNull();
        assertThat(t.getActorChain()).isEmpty();
        assertThat(t.getExpiresAt()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
    }
}
