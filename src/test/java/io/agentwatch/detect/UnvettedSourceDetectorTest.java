package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.state.Baseline;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.DetectorRun;
import io.agentwatch.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnvettedSourceDetectorTest {
    private static final long T0 = BenignHistory.end().toEpochMilli();

    private final Baseline settled = Baselines.withSettledDestinations(MAILER, 25);
    private final DetectorRun run = new DetectorRun(new UnvettedSourceDetector(), MAILER, T0);

    private static ToolCall.Builder fetch(String url) {
        return Events.call(MAILER, "s", "t", "web_fetch").setTarget(url).setEventId("e-fetch");
    }

    @Test
    void shouldRevokeWhenTheSessionActsAfterTakingInContentFromASourceItNeverUsed() {
        // when a page on an unknown host is read, then the agent writes
        List<Detection> reading = run.judge(settled, null, fetch("https://unknown.example/page"),
                Events.listFolders("s", "t"));
        List<Detection> acting = run.judge(settled, null, Events.call(MAILER, "s", "t", "update_ticket", "ticket:1",
                "corp", null).setOperation(Operation.WRITE).setEventId("e-write"));

        // then reading is not yet an action; the write is
        assertThat(reading).isEmpty();
        assertThat(acting).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("chain.unvetted_source");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(d.eventIds()).containsExactly("e-fetch", "e-write");
            assertThat(d.implicates()).containsExactly("unknown.example");
        });
    }

    @Test
    void shouldNotCountContentFromAKnownSourceOrATaskNamedOne() {
        // when the source is a customer's address the agent mails every day
        List<Detection> found = run.judge(settled, null, Events.call(MAILER, "s", "t", "read_email")
                        .setTarget("mailto:customer-1@customer.example"),
                Events.call(MAILER, "s", "t", "update_ticket", "ticket:1", "corp", null).setOperation(Operation.WRITE));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldStayQuietForAnAgentWhoseBaselineIsLearning() {
        // when
        List<Detection> found = run.judge(new Baseline(), null, fetch("https://unknown.example/page"),
                Events.call(MAILER, "s", "t", "update_ticket", "ticket:1", "corp", null).setOperation(Operation.WRITE));

        // then
        assertThat(found).isEmpty();
    }
}
