package io.agentwatch.state;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the response step remembers about a session: the findings already raised (so one
 * incident is reported once), the accumulated risk and drift, the highest severity, the widest
 * revocation ordered, and the destinations that revoking findings named (they must never be
 * learned as normal). Written only through {@link #apply}, with what the responder decided.
 */
public final class ResponseMemory {
    static final int MAX_RAISED = 128;
    static final int MAX_IMPLICATED = 32;
    /** Keys longer than this are remembered by their hash: a key can hold a list of long destinations. */
    static final int MAX_KEY_CHARS = 128;

    /** What one response adds to the memory. */
    public record Update(List<String> raised, int risk, Severity maxSeverity, double drift, int driftEvents,
                         RevokeScope revoked, List<String> implicated) {
    }

    int risk;
    double driftScore;
    int driftEvents;
    Severity maxSeverity;
    LinkedHashSet<String> raised = new LinkedHashSet<>();
    RevokeScope revoked;
    LinkedHashSet<String> implicated = new LinkedHashSet<>();
    /** An analyst confirmed a finding of the session as an attack. */
    boolean confirmed;
    /** An analyst cleared every HIGH or CRITICAL finding of the session. */
    boolean cleared;

    public void apply(Update u) {
        for (String key : u.raised()) {
            raised.add(stored(key));
            if (raised.size() > MAX_RAISED) {
                raised.remove(raised.iterator().next());
            }
        }
        risk = Math.min(1000, risk + u.risk());
        driftScore += u.drift();
        driftEvents += u.driftEvents();
        if (u.maxSeverity() != null && (maxSeverity == null || u.maxSeverity().ordinal() > maxSeverity.ordinal())) {
            maxSeverity = u.maxSeverity();
        }
        if (u.revoked() != null && (revoked == null || u.revoked().ordinal() > revoked.ordinal())) {
            revoked = u.revoked();
        }
        for (String d : u.implicated()) {
            if (implicated.size() < MAX_IMPLICATED) {
                implicated.add(d);
            }
        }
    }

    /** True when a finding with this de-duplication key was already raised in the session. */
    public boolean raised(String key) {
        return raised.contains(stored(key));
    }

    private static String stored(String key) {
        if (key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
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

    /** The widest revocation ordered for this session so far, or null. */
    public RevokeScope revoked() {
        return revoked;
    }

    public Set<String> implicated() {
        return Collections.unmodifiableSet(implicated);
    }

    /**
     * A session with a HIGH or CRITICAL finding teaches the baseline nothing, unless an analyst
     * cleared those findings; one an analyst confirmed as an attack never does.
     */
    public boolean isLearnable() {
        return !confirmed && (cleared || maxSeverity == null || maxSeverity.ordinal() < Severity.HIGH.ordinal());
    }

    /** An analyst's true positive: nothing of this session is ever learned, and what it reached is implicated. */
    public void confirmByAnalyst() {
        confirmed = true;
    }

    public boolean confirmedByAnalyst() {
        return confirmed;
    }

    /**
     * An analyst's false positive or benign verdict on findings of this session: the destinations
     * they implicated are not implicated after all, and, when {@code learnable}, the session may be learned.
     */
    public void clearByAnalyst(Collection<String> destinations, boolean learnable) {
        implicated.removeAll(destinations);
        cleared |= learnable;
    }
}
