package io.agentwatch.feedback;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.respond.Suppressions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What one agent's analysts' verdicts need, stored per agent: the agent's recent findings of
 * MEDIUM or above (what each was about, since a verdict names only the finding), the suppressions
 * false-positive verdicts created, and the verdicts already applied (a verdict read twice changes
 * nothing more). Everything is bounded: the oldest finding, suppression or verdict id goes first.
 */
public final class FindingMemory {
    static final int MAX_FINDINGS = 64;
    static final int MAX_SUPPRESSIONS = 32;
    static final int MAX_VERDICTS = 128;
    static final int MAX_DESTINATIONS = 8;

    /**
     * A finding as a verdict needs it: its rule and session, the tool, boundary and destinations
     * of the call it was about, the destinations its session's revokes implicated, and whether an
     * analyst has cleared it.
     */
    public record Remembered(String findingId, String rule, String sessionId, Severity severity, String tool,
                             String boundary, List<String> destinations, List<String> implicated, long time,
                             boolean cleared) {
        Remembered withCleared() {
            return new Remembered(findingId, rule, sessionId, severity, tool, boundary, destinations, implicated, time,
                    true);
        }

        /** Every destination the finding concerns: the call's and those its revoke implicated. */
        public List<String> allDestinations() {
            LinkedHashSet<String> all = new LinkedHashSet<>(destinations);
            all.addAll(implicated);
            return List.copyOf(all);
        }
    }

    /** A suppression a false-positive verdict created; null scope fields match anything. */
    public record AnalystSuppression(String findingId, String rule, String tool, String boundary, String destination,
                                     long expiresAt, String analyst, String note) {
        Suppressions.Rule toRule(String agentId) {
            return new Suppressions.Rule(agentId, tool, boundary, destination, rule, "analyst " + analyst
                    + " marked finding " + findingId + " a false positive" + (note == null ? "" : " (" + note + ")")
                    + "; suppressed until " + java.time.Instant.ofEpochMilli(expiresAt));
        }
    }

    LinkedHashMap<String, Remembered> findings = new LinkedHashMap<>();
    List<AnalystSuppression> suppressions = new ArrayList<>();
    LinkedHashSet<String> verdicts = new LinkedHashSet<>();

    /**
     * Remembers a published finding about {@code call} (null for one a token event or the sweep
     * produced); {@code implicated} are the destinations its session's revokes implicated so far.
     * False when the finding is below MEDIUM and not kept.
     */
    public boolean remember(Finding f, Call call, Collection<String> implicated) {
        if (f.getSeverity().ordinal() < Severity.MEDIUM.ordinal()) {
            return false;
        }
        boolean revoked = f.getAction().name().startsWith("REVOKE_");
        findings.remove(f.getFindingId());
        findings.put(f.getFindingId(), new Remembered(f.getFindingId(), f.getRule(), f.getSessionId(), f.getSeverity(),
                call == null ? null : call.tool(), call == null ? null : call.boundary(),
                call == null ? List.of() : first(call.destinations()), revoked ? first(implicated) : List.of(),
                f.getEventTime().toEpochMilli(), false));
        while (findings.size() > MAX_FINDINGS) {
            findings.remove(findings.keySet().iterator().next());
        }
        return true;
    }

    public Remembered finding(String findingId) {
        return findings.get(findingId);
    }

    /** The unexpired suppressions at stream time {@code now}, as rules for the responder. */
    public List<Suppressions.Rule> suppressions(String agentId, long now) {
        if (suppressions.isEmpty()) {
            return List.of();
        }
        return suppressions.stream().filter(s -> s.expiresAt() > now).map(s -> s.toRule(agentId)).toList();
    }

    boolean applied(String verdictId) {
        return verdicts.contains(verdictId);
    }

    void applying(String verdictId) {
        verdicts.add(verdictId);
        while (verdicts.size() > MAX_VERDICTS) {
            verdicts.remove(verdicts.iterator().next());
        }
    }

    void suppress(AnalystSuppression s, long now) {
        suppressions.removeIf(x -> x.expiresAt() <= now);
        suppressions.add(s);
        while (suppressions.size() > MAX_SUPPRESSIONS) {
            suppressions.remove(0);
        }
    }

    /** A later verdict on the same finding replaces what an earlier one suppressed. */
    void withdrawSuppressions(String findingId) {
        suppressions.removeIf(s -> findingId.equals(s.findingId()));
    }

    void clear(String findingId) {
        Remembered r = findings.get(findingId);
        if (r != null) {
            findings.put(findingId, r.withCleared());
        }
    }

    /** A HIGH or CRITICAL finding of the session that no analyst cleared is still remembered. */
    boolean hasUnclearedSerious(String sessionId) {
        return findings.values().stream().anyMatch(r -> !r.cleared() && sessionId.equals(r.sessionId())
                && r.severity().ordinal() >= Severity.HIGH.ordinal());
    }

    public List<AnalystSuppression> analystSuppressions() {
        return List.copyOf(suppressions);
    }

    public Map<String, Remembered> remembered() {
        return java.util.Collections.unmodifiableMap(findings);
    }

    private static List<String> first(Collection<String> destinations) {
        return destinations.stream().limit(MAX_DESTINATIONS).toList();
    }
}
