package io.agentwatch.feedback;

import io.agentwatch.avro.FeedbackVerdict;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.SessionState;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an analyst's verdict on a finding does. Pure: it changes the agent's {@link
 * FindingMemory}, the finding's session while it is open, and the agent's baseline, and says what
 * it did.
 *
 * <ul>
 * <li>TRUE_POSITIVE: the session never teaches the baseline (whatever else is said about it
 *     later), and the destinations the finding concerns are implicated: never learned, and a
 *     later call to one is itself suspicious. A suppression an earlier verdict on the finding
 *     created is withdrawn.</li>
 * <li>FALSE_POSITIVE: what BENIGN_EXPECTED does, and a suppression of the same behaviour (the
 *     finding's rule, tool, boundary and destinations, each of which the verdict may widen or
 *     narrow) until the verdict's expires_at or {@code feedback.suppression.ttl} after it.</li>
 * <li>BENIGN_EXPECTED: the destinations the finding concerns are released (no longer
 *     implicated, and known at once), and the session may be learned once no other HIGH or
 *     CRITICAL finding of it remains uncleared.</li>
 * </ul>
 *
 * A verdict on a finding agentwatch no longer remembers (only MEDIUM and above, the agent's last
 * {@value FindingMemory#MAX_FINDINGS}) can act only on what it names itself: a FALSE_POSITIVE
 * needs a scope field, a TRUE_POSITIVE or BENIGN_EXPECTED needs its destination(s); otherwise it
 * is refused with the reason.
 */
public final class Verdicts {
    /** A verdict that cannot be applied, with what to do about it. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final BaselinePolicy policy;
    private final long suppressionTtlMs;

    public Verdicts(BaselinePolicy policy, long suppressionTtlMs) {
        this.policy = policy;
        this.suppressionTtlMs = suppressionTtlMs;
    }

    /**
     * Applies {@code fb} at stream time {@code now}.
     *
     * @param session the finding's session while it is open, else null
     * @return what was done, for the log; "already applied" for a verdict read again
     * @throws Refused when the finding is not remembered and the verdict does not say enough to act
     */
    public String apply(FindingFeedback fb, FindingMemory memory, SessionState session, Baseline baseline, long now) {
        if (memory.applied(fb.getFeedbackId())) {
            return "already applied";
        }
        FindingMemory.Remembered finding = memory.finding(fb.getFindingId());
        String done = finding == null ? applyUnknown(fb, memory, baseline, now)
                : applyKnown(fb, finding, memory, session, baseline, now);
        memory.applying(fb.getFeedbackId());
        return done;
    }

    private String applyKnown(FindingFeedback fb, FindingMemory.Remembered finding, FindingMemory memory,
                              SessionState session, Baseline baseline, long now) {
        List<String> destinations = finding.allDestinations();
        memory.withdrawSuppressions(finding.findingId());
        if (fb.getVerdict() == FeedbackVerdict.TRUE_POSITIVE) {
            if (session != null) {
                session.response().confirmByAnalyst();
            }
            baseline.implicate(destinations, policy);
            return "confirmed an attack: session " + finding.sessionId() + " is never learned; implicated "
                    + destinations;
        }
        memory.clear(finding.findingId());
        baseline.release(destinations, now, policy);
        if (session != null) {
            session.response().clearByAnalyst(destinations, !memory.hasUnclearedSerious(finding.sessionId()));
        }
        String released = "released " + destinations;
        if (fb.getVerdict() == FeedbackVerdict.BENIGN_EXPECTED) {
            return released;
        }
        FindingMemory.AnalystSuppression s = new FindingMemory.AnalystSuppression(finding.findingId(),
                scope(fb.getRule(), finding.rule()), scope(fb.getTool(), finding.tool()),
                scope(fb.getBoundary(), finding.boundary()),
                scope(fb.getDestination(), finding.destinations().isEmpty() ? null : String.join(",", finding.destinations())),
                expiry(fb), fb.getAnalyst(), fb.getNote());
        memory.suppress(s, now);
        return released + "; suppressed " + describe(s);
    }

    private String applyUnknown(FindingFeedback fb, FindingMemory memory, Baseline baseline, long now) {
        String named = fb.getDestination();
        boolean exact = named != null && !named.contains("*") && !named.contains("?");
        List<String> destinations = exact ? Stream.of(named.split(",")).map(String::strip).toList() : List.of();
        if (fb.getVerdict() == FeedbackVerdict.FALSE_POSITIVE
                && (fb.getRule() != null || fb.getTool() != null || fb.getBoundary() != null || named != null)) {
            baseline.release(destinations, now, policy);
            FindingMemory.AnalystSuppression s = new FindingMemory.AnalystSuppression(fb.getFindingId(),
                    scope(fb.getRule(), null), scope(fb.getTool(), null), scope(fb.getBoundary(), null),
                    scope(named, null), expiry(fb), fb.getAnalyst(), fb.getNote());
            memory.suppress(s, now);
            return "suppressed " + describe(s) + (destinations.isEmpty() ? "" : "; released " + destinations);
        }
        if (fb.getVerdict() != FeedbackVerdict.FALSE_POSITIVE && !destinations.isEmpty()) {
            if (fb.getVerdict() == FeedbackVerdict.TRUE_POSITIVE) {
                baseline.implicate(destinations, policy);
                return "implicated " + destinations;
            }
            baseline.release(destinations, now, policy);
            return "released " + destinations;
        }
        throw new Refused("finding " + fb.getFindingId() + " is not among the findings agentwatch remembers for "
                + fb.getAgentId() + " (MEDIUM and above, the last " + FindingMemory.MAX_FINDINGS + "), and the verdict"
                + " names nothing to act on: give a FALSE_POSITIVE its scope (rule, tool, boundary or destination),"
                + " a TRUE_POSITIVE or BENIGN_EXPECTED its destination(s)");
    }

    private long expiry(FindingFeedback fb) {
        return fb.getExpiresAt() != null ? fb.getExpiresAt().toEpochMilli()
                : fb.getAt().toEpochMilli() + suppressionTtlMs;
    }

    /** The verdict's own scope field, else the finding's; "*" means any (no constraint). */
    private static String scope(String given, String fromFinding) {
        String s = given != null ? given : fromFinding;
        return s == null || s.isBlank() || s.equals("*") ? null : s;
    }

    private static String describe(FindingMemory.AnalystSuppression s) {
        return "rule " + any(s.rule()) + ", tool " + any(s.tool()) + ", boundary " + any(s.boundary())
                + ", destination " + any(s.destination()) + " until " + java.time.Instant.ofEpochMilli(s.expiresAt());
    }

    private static String any(String s) {
        return s == null ? "*" : s;
    }
}
