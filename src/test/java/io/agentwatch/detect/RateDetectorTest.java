package io.agentwatch.detect;

import io.agentwatch.model.Call;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.DetectorRun;
import io.agentwatch.testing.Events;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateDetectorTest {
    private static final long T0 = BenignHistory.end().toEpochMilli(); // on a 5-minute boundary

    private final DetectionSettings settings = DetectionSettings.from(new AgentwatchConfig(Map.of()));

    /** Feeds {@code n} calls {@code gapMs} apart as the agent monitor does; returns what was detected. */
    private List<Detection> burst(Baseline baseline, SessionState session, int n, long gapMs) {
        DetectorRun run = new DetectorRun(new RateDetector(), settings, session);
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.addAll(run.judge(Baselines.call(Events.listFolders("s", "t"), T0 + i * gapMs, "e" + i), baseline, null));
        }
        return out;
    }

    @Test
    void shouldFlagABurstFarAboveTheAgentsUsualRateOncePerWindow() {
        // given the mailer's usual ~3 calls per 5 minutes
        Baseline baseline = Baselines.afterBenignHistory(MAILER);
        SessionState session = new SessionState(MAILER, "s", T0);

        // when 100 calls come within 200 seconds
        List<Detection> found = burst(baseline, session, 100, 2_000);

        // then one finding, at call number rate.min.calls + 1
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("rate.burst");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(d.eventIds()).containsExactly("e" + settings.rateMinCalls());
            assertThat(d.observations().get(0).getCount()).isEqualTo(settings.rateMinCalls() + 1.0);
        });
    }

    @Test
    void shouldNotFlagCallsUpToTheFloor() {
        // given
        Baseline baseline = Baselines.afterBenignHistory(MAILER);

        // when exactly rate.min.calls calls come in one window
        List<Detection> found = burst(baseline, new SessionState(MAILER, "s", T0), settings.rateMinCalls(), 4_000);

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldWaitForAnActiveBaseline() {
        // when a burst comes before anything was learned
        List<Detection> found = burst(new Baseline(), new SessionState(MAILER, "s", T0), 200, 1_000);

        // then
        assertThat(found).isEmpty();
    }
}
