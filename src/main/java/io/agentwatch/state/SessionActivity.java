package io.agentwatch.state;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.model.Call;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the detectors read about a session so far: recent calls, where sensitive data was read,
 * the first untrusted input, refused calls and novel actions, sources of untrusted content the
 * agent had never used, boundaries touched, tokens used and calls per rate window. Every
 * collection is bounded, so a runaway session cannot grow the state without limit.
 */
public final class SessionActivity {
    static final int MAX_RECENT = 32;
    static final int MAX_SENSITIVE_READS = 16;
    static final int MAX_BOUNDARIES = 32;
    static final int MAX_TOKENS = 16;
    static final int MAX_DENIED = 32;
    static final int MAX_RATE_WINDOWS = 64;
    static final int MAX_UNVETTED_SOURCES = 16;
    /** What a shrunk session keeps of each list. */
    static final int SHRUNK_RECENT = 4;

    /** One call, as remembered for evidence. */
    public record Step(String eventId, String tool, Operation operation, String boundary, Sensitivity sensitivity,
                       String target, long time) {
    }

    /** A read of sensitive data: the first leg of an exfiltration chain. */
    public record SensitiveRead(String eventId, String tool, String boundary, Sensitivity sensitivity, long time) {
    }

    /**
     * What the baseline made of a call when it was judged, kept so that later calls of the
     * session can count it as an earlier anomaly: a READ of a target never seen, a tool or
     * boundary never seen, and destinations not (yet) in the baseline.
     */
    public record Novelties(boolean read, boolean action, List<String> unknownDestinations) {
        public static final Novelties NONE = new Novelties(false, false, List.of());
    }

    long lastSeen;
    int events;
    ArrayDeque<Step> recent = new ArrayDeque<>();
    LinkedHashMap<String, SensitiveRead> sensitiveReads = new LinkedHashMap<>();
    /** The most sensitive data read in the session (sensitiveReads keeps only the latest read per boundary). */
    Sensitivity highestSensitiveRead;
    String untrustedInputEventId;
    String refusedEventId;
    String novelReadEventId;
    String novelActionEventId;
    /** Destinations not in the baseline that an untrusted-input tool fetched content from, and the call that did. */
    LinkedHashMap<String, String> unvettedSources = new LinkedHashMap<>();
    LinkedHashMap<String, Long> boundaries = new LinkedHashMap<>();
    LinkedHashSet<String> tokens = new LinkedHashSet<>();
    String lastTool;
    List<Long> deniedTimes = new ArrayList<>();
    long rateWindow = -1;
    int rateCount;
    List<Integer> rateHistory = new ArrayList<>();

    void record(Call c, Novelties n, long rateWindowMs, long deniedWindowMs) {
        events++;
        lastSeen = Math.max(lastSeen, c.time());
        recent.addLast(new Step(c.eventId(), c.tool(), c.operation(), c.boundary(), c.sensitivity(), c.target(), c.time()));
        while (recent.size() > MAX_RECENT) {
            recent.removeFirst();
        }
        useToken(c.tokenId());
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
            if (highestSensitiveRead == null || c.sensitivity().ordinal() > highestSensitiveRead.ordinal()) {
                highestSensitiveRead = c.sensitivity();
            }
        }
        if (c.bringsUntrustedInput()) {
            if (untrustedInputEventId == null) {
                untrustedInputEventId = c.eventId();
            }
            for (String source : n.unknownDestinations()) {
                unvettedSources.putIfAbsent(source, c.eventId());
            }
            trimOldest(unvettedSources, MAX_UNVETTED_SOURCES);
        }
        if (c.outcome() == Outcome.DENIED) {
            if (refusedEventId == null) {
                refusedEventId = c.eventId();
            }
            deniedTimes.add(c.time());
            deniedTimes.removeIf(t -> t < c.time() - deniedWindowMs);
            while (deniedTimes.size() > MAX_DENIED) {
                deniedTimes.remove(0);
            }
        }
        if (n.read() && novelReadEventId == null) {
            novelReadEventId = c.eventId();
        }
        if (n.action() && novelActionEventId == null) {
            novelActionEventId = c.eventId();
        }
        countRate(c.time(), rateWindowMs);
        lastTool = c.tool();
    }

    /** Keeps the latest few calls and reads; see {@link SessionState#shrink}. */
    void shrink() {
        while (recent.size() > SHRUNK_RECENT) {
            recent.removeFirst();
        }
        trimOldest(sensitiveReads, SHRUNK_RECENT);
        trimOldest(boundaries, SHRUNK_RECENT);
        trimOldest(unvettedSources, SHRUNK_RECENT);
        rateHistory.clear();
    }

    void useToken(String tokenId) {
        if (tokenId != null && tokens.size() < MAX_TOKENS) {
            tokens.add(tokenId);
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

    static <K, V> void trimOldest(Map<K, V> map, int max) {
        while (map.size() > max) {
            map.remove(map.keySet().iterator().next());
        }
    }

    /** Calls in the current rate window (the call being judged not yet counted). */
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

    /** Refused calls within {@code windowMs} before {@code time} (the call being judged not counted). */
    public int deniedSince(long since) {
        return (int) deniedTimes.stream().filter(t -> t >= since).count();
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

    /** The highest sensitivity of the sensitive data read in the session so far, or null when none was. */
    public Sensitivity highestSensitiveRead() {
        return highestSensitiveRead;
    }

    public String untrustedInputEventId() {
        return untrustedInputEventId;
    }

    /** The first call of the session the gateway refused, or null. */
    public String refusedEventId() {
        return refusedEventId;
    }

    /** The first READ of a target this agent's baseline had never seen, or null. */
    public String novelReadEventId() {
        return novelReadEventId;
    }

    /** The first call with a tool or boundary this agent's baseline had never seen, or null. */
    public String novelActionEventId() {
        return novelActionEventId;
    }

    /** Sources of untrusted content not in the baseline, with the call that fetched each. */
    public Map<String, String> unvettedSources() {
        return Collections.unmodifiableMap(unvettedSources);
    }

    public Set<String> tokens() {
        return Collections.unmodifiableSet(tokens);
    }

    public String lastTool() {
        return lastTool;
    }

    public int boundaryCount() {
        return boundaries.size();
    }

    /** Boundaries touched, least recently first (the most recent {@value #MAX_BOUNDARIES}). */
    public Set<String> boundaries() {
        return Collections.unmodifiableSet(boundaries.keySet());
    }
}
