package io.agentwatch.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialStateTest {
    private static final long T0 = 1_767_603_600_000L;
    private static final long MIN = 60_000L;

    @Test
    void shouldCountCleanSessionsInARowThatWereGrantedAScopeNoCallNeeded() {
        CredentialState c = new CredentialState();
        for (int i = 0; i < 5; i++) {
            long start = T0 + i * 60 * MIN;
            assertThat(c.used("mail:read", start + MIN, start)).as("first use in session " + i).isTrue();
            assertThat(c.used("mail:read", start + 2 * MIN, start)).as("second use: no write").isFalse();
            c.sessionEnded(Set.of("mail:read", "payments:refund"), start);
        }

        assertThat(c.unusedScopes(5)).containsExactly(java.util.Map.entry("payments:refund", 5));
        assertThat(c.unusedScopes(6)).isEmpty();

        // a session that needs it ends the run
        long start = T0 + 10 * 60 * MIN;
        c.used("payments:refund", start + MIN, start);
        c.sessionEnded(Set.of("mail:read", "payments:refund"), start);
        assertThat(c.unusedScopes(1)).containsOnlyKeys("mail:read");
    }

    @Test
    void shouldStayBoundedInScopesAndTokens() {
        CredentialState c = new CredentialState();
        for (int i = 0; i < 500; i++) {
            c.used("scope-" + i, T0 + i, T0);
            c.taskEnded("tok-" + i, T0 + i, T0 + 3_600_000L);
        }
        c.sessionEnded(Set.of("another"), T0);

        assertThat(c.scopes).hasSize(CredentialState.MAX_SCOPES);
        assertThat(c.endedTaskTokens).hasSize(CredentialState.MAX_ENDED_TASK_TOKENS);
        assertThat(c.endedTask("tok-499")).isNotNull();
        assertThat(c.endedTask("tok-0")).isNull();
    }

    @Test
    void shouldForgetTokensPastTheirExpiryAndRememberEachOnce() {
        CredentialState c = new CredentialState();
        assertThat(c.taskEnded("t-1", T0, T0 + 10 * MIN)).isTrue();
        assertThat(c.taskEnded("t-1", T0 + MIN, T0 + 10 * MIN)).isFalse();

        c.taskEnded("t-2", T0 + 20 * MIN, T0 + 60 * MIN);

        assertThat(c.endedTask("t-1")).isNull();
        assertThat(c.endedTask("t-2")).isEqualTo(new CredentialState.EndedTask(T0 + 20 * MIN, T0 + 60 * MIN));
    }

    @Test
    void shouldFindApprovalsDueByStreamTimeOrByTheWallClock() {
        CredentialState c = new CredentialState();
        PendingApproval a = new PendingApproval("rc-a", "s-1", List.of("t-1"), List.of("f-1"), "e-1", "why", T0,
                T0 + 15 * MIN, 5_000);
        PendingApproval b = new PendingApproval("rc-b", "s-2", List.of("t-2"), List.of("f-2"), "e-2", "why", T0,
                T0 + 30 * MIN, 9_000);
        c.awaitApproval(a);
        c.awaitApproval(b);

        assertThat(c.due(T0 + 15 * MIN, Long.MIN_VALUE)).containsExactly(a);
        assertThat(c.due(Long.MIN_VALUE, 9_000)).containsExactly(a, b);
        assertThat(c.suspending("t-2")).isEqualTo(b);
        assertThat(c.decide("rc-a")).isEqualTo(a);
        assertThat(c.decide("rc-a")).isNull();
        assertThat(c.approvals()).containsExactly(b);
    }
}
