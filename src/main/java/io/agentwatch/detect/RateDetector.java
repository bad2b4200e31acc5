package io.agentwatch.detect;

import io.agentwatch.model.Call;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import java.util.Locale;
import java.util.Optional;

/**
 * Calls per window in one session far above what this agent's clean sessions do: above
 * rate.factor x the EWMA, above the EWMA + 6 robust (mean absolute) deviations, and above a
 * floor, so a quiet agent's small burst does not count.
 */
public final class RateDetector {
    /** Windows of history before the agent's usual rate means anything. */
    static final int MIN_WINDOWS = 5;

    private final DetectionSettings settings;

    public RateDetector(DetectionSettings settings) {
        this.settings = settings;
    }

    public Optional<Detection> inspect(Call call, SessionState session, Baseline baseline) {
        if (!baseline.isActive() || baseline.rateWindows() < MIN_WINDOWS) {
            return Optional.empty();
        }
        int calls = session.callsInWindow(call.time(), settings.rateWindowMs()) + 1;
        double mean = baseline.rateMean();
        double limit = Math.max(settings.rateMinCalls(),
                Math.max(settings.rateFactor() * mean, mean + 6 * Math.max(baseline.rateDeviation(), 1)));
        long window = Math.floorDiv(call.time(), settings.rateWindowMs());
        if (calls <= limit || !session.raiseOnce("rate:" + window)) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.RATE_ANOMALY, "rate.burst", Severity.MEDIUM, 25)
                .summary(String.format(Locale.ROOT, "%s made %d calls within %d min in session %s; usually %.1f (deviation %.1f)",
                        call.agentId(), calls, settings.rateWindowMs() / 60_000, call.sessionId(), mean,
                        baseline.rateDeviation()))
                .revoke(RevokeScope.SESSION).call(call)
                .observe(Observation.newBuilder().setGrain("rate").setValue(Integer.toString(calls)).setVerdict("HIGH")
                        .setCount(calls).setTotal(mean).build())
                .build());
    }
}
