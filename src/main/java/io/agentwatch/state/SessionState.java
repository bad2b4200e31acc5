package io.agentwatch.state;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.agentwatch.model.Call;

/**
 * One agent session, in three parts by who uses them: {@link SessionActivity} is what the
 * detectors read, {@link PendingLearning} what the baseline will learn if the session ends
 * clean, {@link ResponseMemory} what the response step remembers. Stored as one value; the
 * parts are unwrapped, so the stored layout is flat.
 */
public final class SessionState {
    String agentId;
    String sessionId;
    long startedAt;
    @JsonUnwrapped
    SessionActivity activity = new SessionActivity();
    @JsonUnwrapped
    PendingLearning learning = new PendingLearning();
    @JsonUnwrapped
    ResponseMemory response = new ResponseMemory();

    SessionState() {
        // for the state serde
    }

    public SessionState(String agentId, String sessionId, long startedAt) {
        this.agentId = agentId;
        this.sessionId = sessionId;
        this.startedAt = startedAt;
        this.activity.lastSeen = startedAt;
    }

    /**
     * Adds a call the detectors have already judged: what later checks need, and the grain
     * values and destinations the baseline learns if the session ends clean.
     */
    public void record(Call c, SessionActivity.Novelties novelties, long rateWindowMs, long deniedWindowMs) {
        learning.record(c, activity.lastTool(), activity.sensitiveReadBoundaries());
        activity.record(c, novelties, rateWindowMs, deniedWindowMs);
    }

    /**
     * Makes a session that grew too large to store small again: it keeps its latest calls and
     * what the detectors and the responder need, and gives up what the baseline would learn
     * from it (a session that large is not normal behaviour to learn).
     */
    public void shrink() {
        activity.shrink();
        learning.forget();
    }

    /** A token issued for this session: the session lasts at least as long as the token. */
    public void useToken(String tokenId) {
        activity.useToken(tokenId);
    }

    public String agentId() {
        return agentId;
    }

    public String sessionId() {
        return sessionId;
    }

    public long startedAt() {
        return startedAt;
    }

    public SessionActivity activity() {
        return activity;
    }

    public PendingLearning learning() {
        return learning;
    }

    public ResponseMemory response() {
        return response;
    }
}
