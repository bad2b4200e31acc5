package io.agentwatch.state;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.catalog.ToolFlag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One agent session so far: recent calls, where sensitive data was read, boundaries touched,
 * the risk accumulated, what was already raised and revoked, and what the baseline will learn
 * if the session ends clean. Every collection is bounded, so a runaway session cannot grow
 * the state without limit.
 */
public final class SessionState {
    static final int MAX_RECENT = 32;
    static final int MAX_SENSITIVE_READS = 16;
    static final int MAX_BOUNDARIES = 32;
    static final int MAX_TOKENS = 16;
    static final int MAX_RAISED = 128;
    static final int MAX_DENIED = 32;
    static final int MAX_RATE_WINDOWS = 64;
    static final int MAX_PENDING_VALUES = 128;

    /** One call, as remembered for evidence. */
    public record Step(String eventId, String tool, Operation operation, String boundary, Sensitivity sensitivity,
                       String target, long time) {
    }

    /** A read of sensitive data: the first leg of an exfiltration chain. */
    public record SensitiveRead(String eventId, String tool, String boundary, Sensitivity sensitivity, long time) {
    }

    String agentId;
    String sessionId;
    long startedAt;
    long lastSeen;
    int events;
    ArrayDeque<Step> recent = new ArrayDeque<>();
    LinkedHashMap<String, SensitiveRead> sensitiveReads = new LinkedHashMap<>();
    String untrustedInputEventId;
    LinkedHashMap<String, Long> boundaries = new LinkedHashMap<>();
    LinkedHashSet<String> tokens = new LinkedHashSet<>();
    String lastTool;
    int risk;
    double driftScore;
    int driftEvents;
    Severity maxSeverity;
    LinkedHashSet<String> raised = new LinkedHashSet<>();
    int revokeLevel;
    List<Long> deniedTimes = new ArrayList<>();
    long rateWindow = -1;
    int rateCount;
    List<Integer> rateHistory = new ArrayList<>();
    Map<String, Map<String, Integer>> pending = new TreeMap<>();
    TreeSet<Long> days = new TreeSet<>();

    SessionState() {
        // for the state serde
    }

    public SessionState(String agentId, String sessionId, long startedAt) {
        this.agentId = agentId;
        this.sessionId = sessionId;
        this.startedAt = startedAt;
        this.lastSeen = startedAt;
    }

    /**
     * Adds a call the detectors have already judged. The session keeps what later checks need
     * and, for learning, the grain values the call contributes.
     */
    public void record(Call c, long rateWindowMs) {
        events++;
        lastSeen = Math.max(lastSeen, c.time());
        recent.addLast(new Step(c.eventId(), c.tool(), c.operation(), c.boundary(), c.sensitivity(), c.target(), c.time()));
        while (recent.size() > MAX_RECENT) {
            recent.removeFirst();
        }
        if (c.tokenId() != null && tokens.size() < MAX_TOKENS) {
            tokens.add(c.tokenId());
        }
        if (c.boundary() != null) {
            boundaries.remove(c.boundary());
            boundaries.put(c.boundary(), c.time());
            trimOldest(boundaries, MAX_BOUNDARIES);
        }
        if (c.readsSensitiveData()) {
            String key = c.boundary() == null ? "" : c.boundary();
            sensitiveReads.remove(key);
            sensitiveReads.put(key, new SensitiveRead(c.eventId(), c.tool(), c.boundary(), c.sensitivity(), c.time()));
            trimOldest(sensitiveReads, MAX_SENSITIVE_READS);
        }
        if (c.has(ToolFlag.UNTRUSTED_INPUT) && untrustedInputEventId == null) {
            untrustedInputEventId = c.eventId();
        }
        countRate(c.time(), rateWindowMs);
        learnLater(c);
        lastTool = c.tool();
    }

    /** A token issued for this session: the session lasts at least as long as the token. */
    public void useToken(String tokenId) {
        if (tokenId != null && tokens.size() < MAX_TOKENS) {
            tokens.add(tokenId);
        }
    }

    private void learnLater(Call c) {
        days.add(Math.floorDiv(c.time(), 86_400_000L));
        pend(Baseline.TOOL, c.tool());
        pend(Baseline.TOOL_OPERATION, c.toolOperation());
        pend(Baseline.BOUNDARY, c.boundary());
        pend(Baseline.TARGET, c.target());
        if (lastTool != null) {
            pend(Baseline.TRANSITION, lastTool + "->" + c.tool());
        }
        if (c.isEgress()) {
            pend(Baseline.EGRESS, c.boundary());
            pend(Baseline.RECIPIENT, c.target());
            for (String from : sensitiveReadBoundaries()) {
                if (c.boundary() != null && !from.equals(c.boundary())) {
                    pend(Baseline.FLOW, flow(from, c.boundary()));
                }
            }
        }
    }

    public static String flow(String from, String to) {
        return from + "->" + to;
    }

    private void pend(String grain, String value) {
        if (value == null) {
            return;
        }
        Map<String, Integer> counts = pending.computeIfAbsent(grain, k -> new HashMap<>());
        if (counts.containsKey(value) || counts.size() < MAX_PENDING_VALUES) {
            counts.merge(value, 1, Integer::sum);
        }
    }

    private void countRate(long time, long windowMs) {
        long window = Math.floorDiv(time, windowMs);
        if (window != rateWindow) {
            if (rateCount > 0) {
                rateHistory.add(rateCount);
                if (rateHistory.size() > MAX_RATE_WINDOWS) {
                    rateHistory.remove(0);
                }
            }
            rateWindow = window;
            rateCount = 0;
        }
        rateCount++;
    }

    private static <K, V> void trimOldest(LinkedHashMap<K, V> map, int max) {
        while (map.size() > max) {
            map.remove(map.keySet().iterator().next());
        }
    }

    /** Calls in the current rate window, this call included once it is recorded. */
    public int callsInWindow(long time, long windowMs) {
        return Math.floorDiv(time, windowMs) == rateWindow ? rateCount : 0;
    }

    /** Completed windows plus the current one, for learning the agent's usual rate. */
    List<Integer> rateWindowCounts() {
        List<Integer> all = new ArrayList<>(rateHistory);
        if (rateCount > 0) {
            all.add(rateCount);
        }
        return all;
    }

    public void recordDenied(long time, long windowMs) {
        deniedTimes.add(time);
        deniedTimes.removeIf(t -> t < time - windowMs);
        while (deniedTimes.size() > MAX_DENIED) {
            deniedTimes.remove(0);
        }
    }

    public int deniedInWindow() {
        return deniedTimes.size();
    }

    /** Distinct boundaries touched since {@code since}, plus {@code extra} if new. */
    public int boundariesSince(long since, String extra) {
        Set<String> seen = new LinkedHashSet<>();
        boundaries.forEach((b, t) -> {
            if (t >= since) {
                seen.add(b);
            }
        });
        if (extra != null) {
            seen.add(extra);
        }
        return seen.size();
    }

    /** First time this key is raised in the session (for de-duplicating findings). */
    public boolean raiseOnce(String key) {
        if (raised.contains(key)) {
            return false;
        }
        raised.add(key);
        if (raised.size() > MAX_RAISED) {
            raised.remove(raised.iterator().next());
        }
        return true;
    }

    public void addRisk(int score, Severity severity) {
        risk = Math.min(1000, risk + score);
        if (maxSeverity == null || severity.ordinal() > maxSeverity.ordinal()) {
            maxSeverity = severity;
        }
    }

    public void addDrift(double score) {
        driftScore += score;
        driftEvents++;
    }

    /** A session with a HIGH or CRITICAL finding teaches the baseline nothing. */
    public boolean isLearnable() {
        return maxSeverity == null || maxSeverity.ordinal() < Severity.HIGH.ordinal();
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

    public long lastSeen() {
        return lastSeen;
    }

    public int events() {
        return events;
    }

    public List<Step> recent() {
        return List.copyOf(recent);
    }

    public List<SensitiveRead> sensitiveReads() {
        return List.copyOf(sensitiveReads.values());
    }

    public Set<String> sensitiveReadBoundaries() {
        Set<String> out = new LinkedHashSet<>();
        sensitiveReads.values().forEach(r -> {
            if (r.boundary() != null) {
                out.add(r.boundary());
            }
        });
        return out;
    }

    public String untrustedInputEventId() {
        return untrustedInputEventId;
    }


    public Set<String> tokens() {
        return tokens;
    }

    public String lastTool() {
        return lastTool;
    }

    public int risk() {
        return risk;
    }

    public double driftScore() {
        return driftScore;
    }

    public int driftEvents() {
        return driftEvents;
    }

    public Severity maxSeverity() {
        return maxSeverity;
    }

    public int revokeLevel() {
        return revokeLevel;
    }

    public void revokeLevel(int level) {
        revokeLevel = Math.max(revokeLevel, level);
    }

    public int boundaryCount() {
        return boundaries.size();
    }

    /** Boundaries touched, least recently first (the most recent {@value #MAX_BOUNDARIES}). */
    public Set<String> boundaries() {
        return java.util.Collections.unmodifiableSet(boundaries.keySet());
    }
}
