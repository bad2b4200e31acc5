package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.ResponseMemory;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentViewTest {
    private static final String AGENT = "spiffe://corp.example/agents/billing-bot";
    private static final Instant T0 = Instant.parse("2025-03-04T09:00:00Z");
    private static final long RATE_WINDOW_MS = 300_000;

    @Test
    void shouldSummariseTheLearnedBaselineWithItsMostFrequentValues() {
        // given a baseline that learned one clean session: three db queries and one mail
        SessionState learned = session("s-0", T0, "db_query", "db_query", "db_query", "send_email");
        Baseline baseline = new Baseline();
        baseline.sessionEnded(learned, T0.plusSeconds(3600).toEpochMilli(), new BaselinePolicy(2, 1, 86_400_000L * 14, 64, 3));

        // when
        AgentView view = AgentView.of(AGENT, "127.0.0.1:8080", 1, baseline, List.of(), List.of());

        // then
        assertThat(view.baseline().state()).isEqualTo("ACTIVE");
        assertThat(view.baseline().learnedEvents()).isEqualTo(4);
        assertThat(view.baseline().learnedSessions()).isEqualTo(1);
        assertThat(view.baseline().distinctDays()).isEqualTo(1);
        assertThat(view.baseline().topTools()).extracting(AgentView.ValueCount::value).containsExactly("db_query", "send_email");
        assertThat(view.baseline().topTools().get(0).count()).isEqualTo(3.0);
        assertThat(view.baseline().topBoundaries()).extracting(AgentView.ValueCount::value).contains("external");
        assertThat(view.baseline().lastLearnedAt()).isEqualTo("2025-03-04T10:00:00Z");
    }

    @Test
    void shouldListOpenSessionsMostRecentFirstWithTheirRiskAndBoundaries() {
        SessionState older = session("s-1", T0, "db_query");
        SessionState newer = session("s-2", T0.plusSeconds(60), "db_query", "send_email");
        newer.response().apply(new ResponseMemory.Update(List.of(), 70, Severity.HIGH, 0, 0, null, List.of()));

        AgentView view = AgentView.of(AGENT, "127.0.0.1:8080", 0, null, List.of(older, newer), List.of());

        assertThat(view.baseline().state()).as("no baseline stored yet").isEqualTo("LEARNING");
        assertThat(view.openSessions()).isEqualTo(2);
        AgentView.SessionView first = view.sessions().get(0);
        assertThat(first.sessionId()).isEqualTo("s-2");
        assertThat(first.events()).isEqualTo(2);
        assertThat(first.risk()).isEqualTo(70);
        assertThat(first.maxSeverity()).isEqualTo("HIGH");
        assertThat(first.boundaries()).contains("external");
        assertThat(first.startedAt()).isEqualTo("2025-03-04T09:01:00Z");
    }

    @Test
    void shouldShowWhetherATokenIsRevokedOrItsRevocationOrdered() {
        TokenState revoked = token("t-1", T0);
        revoked.revoke(T0.plusSeconds(30).toEpochMilli(), "user logged out");
        TokenState ordered = token("t-2", T0.plusSeconds(10));
        ordered.revocationOrdered("rc-1", T0.plusSeconds(40).toEpochMilli());

        AgentView view = AgentView.of(AGENT, "127.0.0.1:8080", 0, null, List.of(), List.of(revoked, ordered));

        assertThat(view.tokenCount()).isEqualTo(2);
        AgentView.TokenView t2 = view.tokens().get(0);
        AgentView.TokenView t1 = view.tokens().get(1);
        assertThat(t2.tokenId()).isEqualTo("t-2");
        assertThat(t2.revoked()).isFalse();
        assertThat(t2.revocationOrdered()).isTrue();
        assertThat(t2.revokeCommandId()).isEqualTo("rc-1");
        assertThat(t1.revoked()).isTrue();
        assertThat(t1.revokedAt()).isEqualTo("2025-03-04T09:00:30Z");
        assertThat(t1.scopes()).containsExactly("crm:read");
        assertThat(t1.expiresAt()).isEqualTo("2025-03-04T10:00:00Z");
    }

    private static SessionState session(String id, Instant start, String... tools) {
        SessionState s = new SessionState(AGENT, id, start.toEpochMilli());
        for (int i = 0; i < tools.length; i++) {
            ToolCall c = ToolCall.newBuilder().setEventId(id + "-" + i).setOccurredAt(start.plusSeconds(i))
                    .setAgentId(AGENT).setSessionId(id).setTool(tools[i]).build();
            s.record(Call.of(c, ToolCatalog.builtIn()), SessionActivity.Novelties.NONE, RATE_WINDOW_MS, 600_000L);
        }
        return s;
    }

    private static TokenState token(String id, Instant issued) {
        return TokenState.of(TokenIssued.newBuilder().setTokenId(id).setAgentId(AGENT).setSessionId("s-1")
                .setIssuedAt(issued).setExpiresAt(T0.plusSeconds(3600)).setScopes(List.of("crm:read")).build());
    }
}
