package io.agentwatch.testing;

import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.CallContext;
import io.agentwatch.detect.Detection;
import io.agentwatch.detect.DetectionSettings;
import io.agentwatch.detect.Detector;
import io.agentwatch.detect.TokenDirectory;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.ResponseMemory;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one detector over a session's calls the way the agent monitor does: each call is judged
 * against the session so far, the findings whose key the session already raised are dropped
 * (the responder's de-duplication), what they add to the session is remembered, and then the
 * call is recorded. Calls are one minute apart from {@code start}.
 */
public final class DetectorRun {
    private final Detector detector;
    private final DetectionSettings settings;
    private final SessionState session;
    private TokenDirectory directory = TokenDirectory.EMPTY;
    private long time;
    private int n;

    public DetectorRun(Detector detector, String agent, long start) {
        this(detector, DetectionSettings.from(new AgentwatchConfig(Map.of())), agent, start);
    }

    public DetectorRun(Detector detector, DetectionSettings settings, String agent, long start) {
        this(detector, settings, new SessionState(agent, "s", start));
    }

    /** Judges calls of {@code session}, starting at its start. */
    public DetectorRun(Detector detector, DetectionSettings settings, SessionState session) {
        this.detector = detector;
        this.settings = settings;
        this.session = session;
        this.time = session.startedAt();
    }

    public DetectorRun directory(TokenDirectory d) {
        directory = d;
        return this;
    }

    public SessionState session() {
        return session;
    }

    public long time() {
        return time;
    }

    public DetectorRun at(long t) {
        time = t;
        return this;
    }

    /** Judges one call built by the test (its own time and id) and returns the findings that would be reported. */
    public List<Detection> judge(Call c, Baseline baseline, TokenState token) {
        CallContext ctx = new CallContext(c, token, directory, session, baseline, settings);
        List<Detection> found = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Detection d : detector.inspect(ctx)) {
            if (d.key() == null || (!session.response().raised(d.key()) && !keys.contains(d.key()))) {
                found.add(d);
                if (d.key() != null) {
                    keys.add(d.key());
                }
            }
        }
        double drift = found.stream().mapToDouble(Detection::drift).sum();
        int driftEvents = (int) found.stream().filter(d -> d.drift() > 0).count();
        session.response().apply(new ResponseMemory.Update(keys, 0,
                found.stream().map(Detection::severity).max(Enum::compareTo).orElse(null), drift, driftEvents,
                null, List.of()));
        session.record(c, ctx.novelties(), settings.rateWindowMs(), settings.deniedWindowMs());
        return found;
    }

    /** Judges the calls in order and returns the findings that would be reported. */
    @SafeVarargs
    public final List<Detection> judge(Baseline baseline, TokenState token, ToolCall.Builder... calls) {
        List<Detection> out = new ArrayList<>();
        for (ToolCall.Builder b : calls) {
            Call c = Baselines.call(b, time, b.hasEventId() ? b.getEventId() : "e" + ++n);
            time += 60_000L;
            out.addAll(judge(c, baseline, token));
        }
        return out;
    }
}
