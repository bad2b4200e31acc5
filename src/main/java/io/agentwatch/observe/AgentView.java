package io.agentwatch.observe;

import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grain;
import io.agentwatch.state.Grains;
import io.agentwatch.state.ResponseMemory;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /agents/{agent_id}} answers: one agent's baseline, open sessions and tokens as
 * held in the stores of the instance that owns the agent. Field names become snake_case JSON;
 * times are ISO-8601 instants (event time), null when unknown.
 *
 * @param instance  the {@code host:port} that answered (the owner, also when the request was forwarded)
 * @param partition the input partition, and so the task, that holds the agent's state
 * @param standby   true when the owner did not answer and {@code instance} answered from its
 *                  standby replica, which may lag the owner by a moment
 */
public record AgentView(String agentId, String instance, int partition, BaselineView baseline,
                        int openSessions, List<SessionView> sessions, int tokenCount, List<TokenView> tokens,
                        boolean standby) {
    /** Sessions and tokens listed at most; the counts say how many there are. */
    static final int MAX_LISTED = 100;
    /** Values listed per grain of the baseline. */
    static final int TOP = 10;

    /** @param count decayed count: recent behaviour weighs more than old */
    public record ValueCount(String value, double count) {
    }

    public record Rate(double mean, double deviation, long windows) {
    }

    public record BaselineView(String state, long learnedEvents, long learnedSessions, int distinctDays,
                               String lastLearnedAt, Rate callsPerWindow, int maxBoundariesPerSession,
                               List<ValueCount> topTools, List<ValueCount> topBoundaries,
                               List<ValueCount> topTargets) {
    }

    public record SessionView(String sessionId, String startedAt, String lastSeen, int events, int risk,
                              String maxSeverity, List<String> boundaries, List<String> tokenIds) {
    }

    public record TokenView(String tokenId, String sessionId, String issuedAt, String expiresAt,
                            List<String> scopes, List<String> boundaries, boolean revoked, String revokedAt,
                            String revokeReason, boolean revocationOrdered, String revokeCommandId) {
    }

    /**
     * The view of an agent's state; {@code baseline} null when none is stored yet (no session of
     * the agent has ended clean), which reads as LEARNING with nothing learned.
     */
    public static AgentView of(String agentId, String instance, int partition, Baseline baseline,
                               List<SessionState> sessions, List<TokenState> tokens) {
        List<SessionView> sessionViews = sessions.stream()
                .sorted(Comparator.comparingLong((SessionState s) -> s.activity().lastSeen()).reversed())
                .limit(MAX_LISTED).map(AgentView::session).toList();
        List<TokenView> tokenViews = tokens.stream()
                .sorted(Comparator.comparingLong(TokenState::issuedAt).reversed())
                .limit(MAX_LISTED).map(AgentView::token).toList();
        return new AgentView(agentId, instance, partition, baseline(baseline == null ? new Baseline() : baseline),
                sessions.size(), sessionViews, tokens.size(), tokenViews, false);
    }

    /** The same view, answered from a standby replica. */
    public AgentView fromStandby() {
        return new AgentView(agentId, instance, partition, baseline, openSessions, sessions, tokenCount, tokens, true);
    }

    private static BaselineView baseline(Baseline b) {
        return new BaselineView(b.state().name(), b.learnedEvents(), b.learnedSessions(), b.distinctDays(),
                time(b.lastLearnedAt()), new Rate(round(b.rateMean()), round(b.rateDeviation()), b.rateWindows()),
                b.maxBoundariesPerSession(), top(b, Grains.TOOL), top(b, Grains.BOUNDARY), top(b, Grains.TARGET));
    }

    private static List<ValueCount> top(Baseline b, String grainName) {
        // grains().get, not grain(): the latter adds an empty grain to the baseline it reads.
        Grain g = b.grains().get(grainName);
        if (g == null) {
            return List.of();
        }
        return g.top(TOP).stream().map((Map.Entry<String, Double> e) -> new ValueCount(e.getKey(), round(e.getValue())))
                .toList();
    }

    private static SessionView session(SessionState s) {
        SessionActivity a = s.activity();
        ResponseMemory r = s.response();
        return new SessionView(s.sessionId(), time(s.startedAt()), time(a.lastSeen()), a.events(), r.risk(),
                r.maxSeverity() == null ? null : r.maxSeverity().name(), List.copyOf(a.boundaries()),
                List.copyOf(a.tokens()));
    }

    private static TokenView token(TokenState t) {
        return new TokenView(t.tokenId(), t.sessionId(), time(t.issuedAt()), time(t.expiresAt()), t.scopes(),
                t.boundaries(), t.isRevoked(), t.isRevoked() ? time(t.revokedAt()) : null, t.revokeReason(),
                t.commandId() != null, t.commandId());
    }

    private static String time(long epochMs) {
        return epochMs <= 0 ? null : Instant.ofEpochMilli(epochMs).toString();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
