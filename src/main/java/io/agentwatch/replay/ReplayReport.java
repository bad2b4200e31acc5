package io.agentwatch.replay;

import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts for the replay summary, and session-level precision and recall against labels. A
 * session is an attack when any of its labelled tool calls says "attack"; it counts as
 * flagged when it got a finding of MEDIUM or above, and as revoked when a revoke command
 * named it (or one of its tokens, or its whole agent after it began). SUSPEND and RESUME
 * commands (step-up approval) are counted apart: a suspension is not a revoke.
 */
public final class ReplayReport {
    private final Map<String, Long> events = new TreeMap<>();
    private final Map<String, Long> findingsByDetector = new TreeMap<>();
    private final Map<String, Long> findingsBySeverity = new TreeMap<>();
    private final Map<String, Long> commandsByScope = new TreeMap<>();
    private final Map<String, Long> deadLetters = new TreeMap<>();
    private long badLines;

    private final Map<String, Boolean> sessionIsAttack = new HashMap<>();
    private final Map<String, String> tokenSession = new HashMap<>();
    private final Set<String> flagged = new HashSet<>();
    private final Set<String> revoked = new HashSet<>();
    private final Set<String> suspended = new HashSet<>();
    private final Set<String> quietViolations = new HashSet<>();
    private final Set<String> activeSessions = new HashSet<>();

    public void event(TraceEvent e) {
        String type = e.event().getClass().getSimpleName();
        events.merge(type, 1L, Long::sum);
        if (e.event() instanceof ToolCall c) {
            String s = session(c.getAgentId(), c.getSessionId());
            if (c.getTokenId() != null) {
                tokenSession.putIfAbsent(c.getTokenId(), s);
            }
            if (e.label() != null) {
                sessionIsAttack.merge(s, "attack".equalsIgnoreCase(e.label()), Boolean::logicalOr);
            }
        }
    }

    public void badLine() {
        badLines++;
    }

    public void deadLetter(String reason) {
        deadLetters.merge(String.valueOf(reason), 1L, Long::sum);
    }

    public void output(Replayer.Output o) {
        if (o.record() instanceof Finding f) {
            findingsByDetector.merge(f.getDetector(), 1L, Long::sum);
            findingsBySeverity.merge(f.getSeverity().name(), 1L, Long::sum);
            String s = session(f.getAgentId(), f.getSessionId());
            if (f.getBaselineState() == BaselineState.ACTIVE) {
                activeSessions.add(s);
            }
            if (f.getSeverity().ordinal() >= Severity.MEDIUM.ordinal()) {
                flagged.add(s);
                if (f.getBaselineState() == BaselineState.ACTIVE) {
                    quietViolations.add(s);
                }
            }
        } else if (o.record() instanceof RevokeCommand c) {
            commandsByScope.merge(c.getScope().name(), 1L, Long::sum);
            if (c.getScope() == RevokeScope.RESUME) {
                return;
            }
            Set<String> covered = c.getScope() == RevokeScope.SUSPEND ? suspended : revoked;
            covered.add(session(c.getAgentId(), c.getSessionId()));
            c.getTokenIds().forEach(t -> {
                String s = tokenSession.get(t);
                if (s != null) {
                    covered.add(s);
                }
            });
        }
    }

    private static String session(String agent, String session) {
        return agent + "|" + session;
    }

    public long events() {
        return events.values().stream().mapToLong(Long::longValue).sum();
    }

    public long badLines() {
        return badLines;
    }

    public long findings() {
        return findingsByDetector.values().stream().mapToLong(Long::longValue).sum();
    }

    public long commands() {
        return commandsByScope.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Labelled sessions a SUSPEND command held for approval: {attack, benign}. */
    public long[] suspendedSessions() {
        long attacks = suspended.stream().filter(s -> Boolean.TRUE.equals(sessionIsAttack.get(s))).count();
        long benign = suspended.stream().filter(s -> Boolean.FALSE.equals(sessionIsAttack.get(s))).count();
        return new long[] {attacks, benign};
    }

    /** Precision and recall of one way of calling a session positive. */
    public record Score(long truePositives, long falsePositives, long falseNegatives) {
        public double precision() {
            return truePositives + falsePositives == 0 ? 1.0 : truePositives / (double) (truePositives + falsePositives);
        }

        public double recall() {
            return truePositives + falseNegatives == 0 ? 1.0 : truePositives / (double) (truePositives + falseNegatives);
        }
    }

    public Score score(boolean revokedOnly) {
        Set<String> positive = revokedOnly ? revoked : flagged;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (Map.Entry<String, Boolean> e : sessionIsAttack.entrySet()) {
            boolean hit = positive.contains(e.getKey());
            if (e.getValue() && hit) {
                tp++;
            } else if (e.getValue()) {
                fn++;
            } else if (hit) {
                fp++;
            }
        }
        return new Score(tp, fp, fn);
    }

    /** Sessions with a label. */
    public long labelledSessions() {
        return sessionIsAttack.size();
    }

    public long attackSessions() {
        return sessionIsAttack.values().stream().filter(v -> v).count();
    }

    /** Benign sessions with a finding of MEDIUM or above made against an ACTIVE baseline. */
    public long loudBenignSessions() {
        return quietViolations.stream().filter(s -> Boolean.FALSE.equals(sessionIsAttack.get(s))).count();
    }

    public String summary(boolean labels, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "replay: %d events %s in %.1f s (%.0f events/s); %d bad lines; "
                        + "%d dead-lettered %s%n", events(), events, seconds, events() / Math.max(seconds, 1e-3),
                badLines, deadLetters.values().stream().mapToLong(Long::longValue).sum(), deadLetters));
        b.append(String.format(Locale.ROOT, "findings: %d by detector %s by severity %s%n", findings(),
                findingsByDetector, findingsBySeverity));
        b.append(String.format(Locale.ROOT, "revoke commands: %d by scope %s%n", commands(), commandsByScope));
        if (labels) {
            long attacks = attackSessions();
            long benign = sessionIsAttack.size() - attacks;
            Score revokedScore = score(true);
            Score flaggedScore = score(false);
            long benignLoud = loudBenignSessions();
            b.append(String.format(Locale.ROOT, "labels: %d sessions (%d attack, %d benign)%n",
                    sessionIsAttack.size(), attacks, benign));
            b.append(String.format(Locale.ROOT, "  revoked:             precision %.3f recall %.3f (tp %d, fp %d, fn %d)%n",
                    revokedScore.precision(), revokedScore.recall(), revokedScore.truePositives(),
                    revokedScore.falsePositives(), revokedScore.falseNegatives()));
            b.append(String.format(Locale.ROOT, "  flagged (>= MEDIUM): precision %.3f recall %.3f (tp %d, fp %d, fn %d)%n",
                    flaggedScore.precision(), flaggedScore.recall(), flaggedScore.truePositives(),
                    flaggedScore.falsePositives(), flaggedScore.falseNegatives()));
            b.append(String.format(Locale.ROOT, "  benign sessions with a finding >= MEDIUM against an ACTIVE baseline: %d%n",
                    benignLoud));
            if (!suspended.isEmpty()) {
                long[] held = suspendedSessions();
                b.append(String.format(Locale.ROOT, "  held for approval (SUSPEND, not a revoke): %d attack, %d benign%n",
                        held[0], held[1]));
            }
        }
        return b.toString();
    }
}
