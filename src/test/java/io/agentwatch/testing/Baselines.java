package io.agentwatch.testing;

import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Baselines and calls for unit tests, learned the way the agent monitor learns them. */
public final class Baselines {
    /** The defaults of AgentwatchConfig: 100 events on 3 days, 14 d half-life, 256 values per grain, quarantine 3. */
    public static final BaselinePolicy DEFAULT_POLICY = new BaselinePolicy(100, 3, Duration.ofDays(14).toMillis(), 256,
            3);
    public static final long RATE_WINDOW_MS = Duration.ofMinutes(5).toMillis();
    public static final long DENIED_WINDOW_MS = Duration.ofMinutes(10).toMillis();
    public static final ToolCatalog CATALOG = ToolCatalog.builtIn();

    private Baselines() {
    }

    /** {@code agent}'s baseline after the whole {@link BenignHistory}: ACTIVE. */
    public static Baseline afterBenignHistory(String agent) {
        Map<String, SessionState> sessions = new LinkedHashMap<>();
        Map<String, Long> ends = new LinkedHashMap<>();
        for (var e : BenignHistory.events()) {
            if (e instanceof ToolCall c && c.getAgentId().equals(agent)) {
                Call call = Call.of(c, CATALOG);
                sessions.computeIfAbsent(c.getSessionId(), s -> new SessionState(agent, s, call.time()))
                        .record(call, SessionActivity.Novelties.NONE, RATE_WINDOW_MS, DENIED_WINDOW_MS);
                ends.put(c.getSessionId(), call.time());
            }
        }
        Baseline b = new Baseline();
        sessions.forEach((id, s) -> b.sessionEnded(s, ends.get(id) + Duration.ofMinutes(30).toMillis(), DEFAULT_POLICY));
        return b;
    }

    /**
     * {@code agent}'s baseline after the {@link BenignHistory} and {@code sessions} more clean
     * sessions that each reply to a customer it already knows (the evening before the history
     * ends): its destinations have settled, so a new one is news (the rate of sessions reaching a
     * new destination falls below the default threshold once 20 or so are added).
     */
    public static Baseline withSettledDestinations(String agent, int sessions) {
        Baseline b = afterBenignHistory(agent);
        long evening = BenignHistory.end().minus(Duration.ofHours(14)).toEpochMilli();
        for (int i = 0; i < sessions; i++) {
            long t = evening + i * 60_000L;
            SessionState s = new SessionState(agent, "settled-" + i, t);
            s.record(call(Events.replyToCustomer("settled-" + i, "t", i % BenignHistory.CUSTOMERS), t, "settled-" + i),
                    SessionActivity.Novelties.NONE, RATE_WINDOW_MS, DENIED_WINDOW_MS);
            b.sessionEnded(s, t + 30_000L, DEFAULT_POLICY);
        }
        return b;
    }

    public static Call call(ToolCall.Builder b, long time, String eventId) {
        return Call.of(b.setOccurredAt(java.time.Instant.ofEpochMilli(time)).setEventId(eventId).build(), CATALOG);
    }
}
