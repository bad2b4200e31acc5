package io.agentwatch.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskBaselinesTest {
    private static final long T0 = 1_767_603_600_000L;

    private static SessionState session(String id, String tool) {
        SessionState s = new SessionState(Events.MAILER, id, T0);
        s.record(Baselines.call(Events.call(Events.MAILER, id, "t", tool), T0, id + "-e1"),
                SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        return s;
    }

    @Test
    void shouldLearnTheActionsOfCleanSessionsPerTaskType() {
        TaskBaselines b = new TaskBaselines();

        assertThat(b.sessionEnded("triage", session("s1", "read_inbox"), T0 + 60_000, Baselines.DEFAULT_POLICY, 4))
                .isTrue();
        assertThat(b.sessionEnded(null, session("s2", "read_inbox"), T0 + 60_000, Baselines.DEFAULT_POLICY, 4))
                .as("no task type, nothing to learn").isFalse();

        TaskProfile triage = b.profile("triage");
        assertThat(triage.sessions()).isEqualTo(1);
        assertThat(triage.actions().estimate("read_inbox:READ").count()).isEqualTo(1.0);
        assertThat(b.profile("reply")).isNull();
    }

    @Test
    void shouldNotLearnASessionThatRaisedAHighFinding() {
        TaskBaselines b = new TaskBaselines();
        SessionState hijacked = session("s1", "deploy");
        hijacked.response().apply(new ResponseMemory.Update(List.of("x"), 70, Severity.HIGH, 0, 0,
                RevokeScope.SESSION, List.of()));

        assertThat(b.sessionEnded("triage", hijacked, T0, Baselines.DEFAULT_POLICY, 4)).isFalse();
        assertThat(b.profile("triage")).isNull();
    }

    @Test
    void shouldDropTheTaskTypeLearnedLeastRecentlyBeyondTheCap() {
        TaskBaselines b = new TaskBaselines();
        b.sessionEnded("a", session("s1", "read_inbox"), T0, Baselines.DEFAULT_POLICY, 2);
        b.sessionEnded("b", session("s2", "read_inbox"), T0 + 1, Baselines.DEFAULT_POLICY, 2);
        b.sessionEnded("a", session("s3", "read_inbox"), T0 + 2, Baselines.DEFAULT_POLICY, 2);

        b.sessionEnded("c", session("s4", "read_inbox"), T0 + 3, Baselines.DEFAULT_POLICY, 2);

        assertThat(b.types().keySet()).containsExactly("a", "c");
        assertThat(b.profile("a").sessions()).isEqualTo(2);
    }

    @Test
    void shouldReadBackTheSameEstimatesAndApprovals() {
        TaskBaselines b = new TaskBaselines();
        b.sessionEnded("triage", session("s1", "read_inbox"), T0, Baselines.DEFAULT_POLICY, 4);
        CredentialState c = new CredentialState();
        c.used("mail:read", T0, T0);
        c.sessionEnded(java.util.Set.of("mail:read", "mail:send"), T0);
        c.taskEnded("t-1", T0, T0 + 3_600_000L);
        c.awaitApproval(new PendingApproval("rc-1", "s1", List.of("t-1"), List.of("f-1"), "e-1", "why", T0, T0 + 1, 2));

        TaskBaselines backTasks = StateSerde.taskBaselines().decode(StateSerde.taskBaselines().encode(b));
        CredentialState backCredentials = StateSerde.credentials().decode(StateSerde.credentials().encode(c));

        assertThat(backTasks.profile("triage").actions().estimate("read_inbox:READ"))
                .isEqualTo(b.profile("triage").actions().estimate("read_inbox:READ"));
        assertThat(backTasks.profile("triage").sessions()).isEqualTo(1);
        assertThat(backCredentials.approvals()).containsExactlyElementsOf(c.approvals());
        assertThat(backCredentials.endedTask("t-1")).isEqualTo(c.endedTask("t-1"));
        assertThat(backCredentials.unusedScopes(1)).isEqualTo(c.unusedScopes(1)).containsOnlyKeys("mail:send");
    }
}
