package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class BenignHistoryTopologyTest {

    private static boolean loud(Finding f) {
        return f.getSeverity().ordinal() >= Severity.MEDIUM.ordinal() && f.getBaselineState() == BaselineState.ACTIVE;
    }

    @Test
    void shouldStayQuietOnBenignBehaviourOnceBaselinesAreActive() {
        // given / when five days of clean work by two agents
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();

            // then both baselines learned every call and are ACTIVE, with nothing loud and no revoke
            assertThat(h.baseline(MAILER).isActive()).isTrue();
            assertThat(h.baseline(BILLING).isActive()).isTrue();
            assertThat(h.findings()).filteredOn(BenignHistoryTopologyTest::loud).isEmpty();
            assertThat(h.findings()).filteredOn(f -> f.getBaselineState() == BaselineState.ACTIVE)
                    .allSatisfy(f -> assertThat(f.getSeverity()).isEqualTo(Severity.LOW));
            assertThat(h.commands()).isEmpty();
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldStayQuietWhenTheSameWorkGoesOnTheFollowingWeek() {
        // given the history
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();
            int before = h.findings().size();

            // when the same five days repeat a week later
            Duration week = Duration.ofDays(7);
            for (SpecificRecord e : BenignHistory.events()) {
                h.feed(shifted(e, week));
            }

            // then
            assertThat(h.findings().subList(before, h.findings().size())).filteredOn(BenignHistoryTopologyTest::loud)
                    .isEmpty();
            assertThat(h.findings().subList(before, h.findings().size()))
                    .allSatisfy(f -> assertThat(f.getBaselineState()).isEqualTo(BaselineState.ACTIVE));
            assertThat(h.commands()).isEmpty();
        }
    }

    @Test
    void shouldHaveBeenLoudWhileLearningOnlyAboutTheFirstBoundaryCrossing() {
        // given / when
        try (MonitorHarness h = MonitorHarness.create()) {
            h.withBenignHistory();

            // then the only alert is the very first reply into customer-mail, before anything was learned
            assertThat(h.findings()).filteredOn(f -> f.getSeverity().ordinal() >= Severity.MEDIUM.ordinal())
                    .singleElement().satisfies(f -> {
                        assertThat(f.getRule()).isEqualTo("chain.cross_boundary");
                        assertThat(f.getBaselineState()).isEqualTo(BaselineState.LEARNING);
                        assertThat(f.getSessionId()).isEqualTo("s-mailer-d0-0");
                    });
        }
    }

    private static SpecificRecord shifted(SpecificRecord e, Duration d) {
        String suffix = "-w2";
        if (e instanceof ToolCall c) {
            return ToolCall.newBuilder(c).setOccurredAt(c.getOccurredAt().plus(d)).setEventId(c.getEventId() + suffix)
                    .setSessionId(c.getSessionId() + suffix).setTokenId(c.getTokenId() + suffix).build();
        } else if (e instanceof io.agentwatch.avro.TokenIssued t) {
            return io.agentwatch.avro.TokenIssued.newBuilder(t).setIssuedAt(t.getIssuedAt().plus(d))
                    .setExpiresAt(t.getExpiresAt().plus(d)).setTokenId(t.getTokenId() + suffix)
                    .setSessionId(t.getSessionId() + suffix).build();
        }
        io.agentwatch.avro.TokenRevoked r = (io.agentwatch.avro.TokenRevoked) e;
        Instant at = r.getRevokedAt().plus(d);
        return io.agentwatch.avro.TokenRevoked.newBuilder(r).setRevokedAt(at).setTokenId(r.getTokenId() + suffix).build();
    }
}
