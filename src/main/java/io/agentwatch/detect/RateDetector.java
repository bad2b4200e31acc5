package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import java.util.List;
import java.util.Locale;

/**
 * Calls per window in one session far above what this agent's clean sessions do: above
 * rate.factor x the EWMA, above the EWMA + 6 robust (mean absolute) deviations, and above a
 * floor, so a quiet agent's small burst does not count.
 */
public final class RateDetector implements Detector {
    /** Windows of history before the agent's usual rate means anything. */
    static final int MIN_WINDOWS = 5;

    @Override
    public List<Detection> inspect(CallContext ctx) {
        Baseline baseline = ctx.baseline();
        if (!baseline.isActive() || baseline.rateWindows() < MIN_WINDOWS) {
            return List.of();
        }
        Call call = ctx.call();
        DetectionSettings s = ctx.settings();
        int calls = ctx.activity().callsInWindow(call.time(), s.rateWindowMs()) + 1;
        double mean = baseline.rateMean();
        double limit = Math.max(s.rateMinCalls(),
                Math.max(s.rateFactor() * mean, mean + 6 * Math.max(baseline.rateDeviation(), 1)));
        if (calls <= limit) {
            return List.of();
        }
        long window = Math.floorDiv(call.time(), s.rateWindowMs());
        return List.of(Detection.of(Detection.RATE_ANOMALY, "rate.burst", Severity.MEDIUM, 25)
                .summary(String.format(Locale.ROOT, "%s made %d calls within %d min in session %s; usually %.1f (deviation %.1f)",
                        call.agentId(), calls, s.rateWindowMs() / 60_000, call.sessionId(), mean,
                        baseline.rateDeviation()))
                .revoke(RevokeScope.SESSION).key("rate:" + window).call(call)
                .observe(Observation.newBuilder().setGrain("rate").setValue(Integer.toString(calls)).setVerdict("HIGH")
                        .setCount(calls).setTotal(mean).build())
                .build());
    }
}
