package io.agentwatch.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Evidence;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Severity;
import io.agentwatch.state.StateSerde;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingMemoryTest {
    private static final String AGENT = "spiffe://corp.example/agents/mailer";

    private static Finding finding(String id, Severity severity, Action action) {
        return Finding.newBuilder().setFindingId(id).setAgentId(AGENT).setSessionId("s-1")
                .setDetector("CROSS_BOUNDARY").setRule("chain.exfiltration").setSeverity(severity).setScore(70)
                .setSummary("x").setEvidence(new Evidence()).setBaselineState(BaselineState.ACTIVE).setAction(action)
                .setDetectedAt(Instant.EPOCH).setEventTime(Instant.ofEpochMilli(5)).build();
    }

    @Test
    void shouldReadBackWhatItStoredThroughTheStateSerde() {
        // given a memory with a remembered finding and a suppression
        FindingMemory m = new FindingMemory();
        m.remember(finding("f-1", Severity.HIGH, Action.REVOKE_SESSION), null, List.of("paste.example"));
        m.suppress(new FindingMemory.AnalystSuppression("f-1", "chain.*", "http_post", null, "paste.example",
                1_000, "alice", null), 0);
        m.applying("v-1");
        StateSerde<FindingMemory> serde = new StateSerde<>(FindingMemory.class);

        // when
        FindingMemory back = serde.decode(serde.encode(m));

        // then
        assertThat(back.finding("f-1")).isEqualTo(m.finding("f-1"));
        assertThat(back.finding("f-1").implicated()).containsExactly("paste.example");
        assertThat(back.analystSuppressions()).isEqualTo(m.analystSuppressions());
        assertThat(back.applied("v-1")).isTrue();
        assertThat(back.suppressions(AGENT, 999)).singleElement()
                .satisfies(r -> assertThat(r.destination()).isEqualTo("paste.example"));
        assertThat(back.suppressions(AGENT, 1_000)).as("expired at its expires_at").isEmpty();
    }

    @Test
    void shouldKeepOnlyFindingsOfMediumAndAboveAndOnlyTheLatestOnes() {
        FindingMemory m = new FindingMemory();

        assertThat(m.remember(finding("low", Severity.LOW, Action.NONE), null, List.of())).isFalse();
        for (int i = 0; i < FindingMemory.MAX_FINDINGS + 5; i++) {
            assertThat(m.remember(finding("f-" + i, Severity.MEDIUM, Action.ALERT), null, List.of("x"))).isTrue();
        }

        assertThat(m.remembered()).hasSize(FindingMemory.MAX_FINDINGS).doesNotContainKeys("low", "f-0", "f-4")
                .containsKey("f-5");
        assertThat(m.finding("f-5").implicated()).as("only a revoke's implication is remembered").isEmpty();
    }
}
