package io.agentwatch.detect;

import io.agentwatch.model.Call;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Scope drift: a tool, (tool, operation), boundary or target that is UNSEEN or RARE for this
 * agent, judged by surprisal against its ACTIVE baseline and weighted by what the call does.
 * Graded: a new tool, target or kind of action inside the boundaries the agent works in is
 * LOW, whatever the data: agents pick up tools they use once a week or once a month (a billing
 * agent's first refund, an HR assistant's quarterly headcount report), and alerting on each
 * would bury the analyst. MEDIUM needs a second, independent signal: the novel call reaches
 * into a boundary the agent does not use, and it reads CONFIDENTIAL+ data or changes
 * something there. HIGH is a high-impact action (write, delete, execute, send or delegate on
 * CONFIDENTIAL+ data) never done by this agent, in a boundary it does not use. Several
 * distinct unusual actions in one session add up to a MEDIUM session finding. Mildly rare actions add up per
 * session into one session-level finding.
 */
public final class ScopeDriftDetector {
    private final DetectionSettings settings;

    public ScopeDriftDetector(DetectionSettings settings) {
        this.settings = settings;
    }

    public List<Detection> inspect(Call call, SessionState session, Baseline baseline) {
        List<Detection> out = new ArrayList<>();
        if (!baseline.isActive()) {
            return out;
        }
        double t = settings.thresholdBits();
        Novelty toolOp = Novelty.of(baseline, Baseline.TOOL_OPERATION, call.toolOperation(), t);
        List<Novelty> judged = List.of(
                Novelty.of(baseline, Baseline.TOOL, call.tool(), t),
                toolOp,
                Novelty.of(baseline, Baseline.BOUNDARY, call.boundary(), t),
                Novelty.of(baseline, Baseline.TARGET, call.target(), t));
        List<Novelty> notable = judged.stream().filter(Novelty::notable).toList();
        if (notable.isEmpty()) {
            return out;
        }
        Novelty transition = session.lastTool() == null ? null
                : Novelty.of(baseline, Baseline.TRANSITION, session.lastTool() + "->" + call.tool(), t);
        double excess = notable.stream().mapToDouble(n -> n.bits() - t + 1).sum()
                + (transition != null && transition.notable() ? transition.bits() - t + 1 : 0);
        // Each distinct unusual action counts once: the same new tool used ten times in a
        // session is one novelty, not ten.
        String key = "drift:" + notable.stream().map(Novelty::value).collect(Collectors.joining("|"));
        if (!session.raiseOnce(key)) {
            return out;
        }
        session.addDrift(weight(call) * excess);
        out.add(actionFinding(call, notable, transition, toolOp));
        if (session.driftEvents() >= 3 && session.driftScore() >= settings.sessionDriftScore()
                && session.raiseOnce("drift.session")) {
            out.add(Detection.of(Detection.SCOPE_DRIFT, "drift.session", Severity.MEDIUM, 30)
                    .summary(String.format(Locale.ROOT,
                            "%s made %d unusual calls in session %s (weighted surprisal %.1f, threshold %.1f), latest %s",
                            call.agentId(), session.driftEvents(), call.sessionId(), session.driftScore(),
                            settings.sessionDriftScore(), call.tool()))
                    .revoke(RevokeScope.SESSION).call(call)
                    .observe(notable.get(0).toObservation()).build());
        }
        return out;
    }

    private Detection actionFinding(Call call, List<Novelty> notable, Novelty transition, Novelty toolOp) {
        Severity severity;
        int score;
        String rule;
        boolean newBoundary = notable.stream().anyMatch(n -> n.grain().equals(Baseline.BOUNDARY));
        if (call.isWriteLike() && call.atLeast(Sensitivity.CONFIDENTIAL) && toolOp.notable() && toolOp.unseen()
                && newBoundary) {
            severity = Severity.HIGH;
            score = 75;
            rule = "drift.high_impact";
        } else if (newBoundary && (call.atLeast(Sensitivity.CONFIDENTIAL) || call.isWriteLike())) {
            severity = Severity.MEDIUM;
            score = 25;
            rule = "drift.action";
        } else {
            // A first use of a tool inside the agent's usual boundaries, on data that is not
            // sensitive: context for an analyst, not an alert (agents pick up new tools).
            severity = Severity.LOW;
            score = 5;
            rule = "drift.action";
        }
        Detection.Builder b = Detection.of(Detection.SCOPE_DRIFT, rule, severity, score)
                .summary(call.agentId() + " " + verb(call) + " " + call.tool()
                        + (call.target() == null ? "" : " on " + call.target())
                        + (call.boundary() == null ? "" : " in " + call.boundary())
                        + " (" + call.sensitivity() + "): "
                        + notable.stream().map(Novelty::describe).collect(Collectors.joining("; ")))
                .revoke(RevokeScope.SESSION).call(call);
        notable.forEach(n -> b.observe(n.toObservation()));
        if (transition != null && transition.notable()) {
            b.observe(transition.toObservation());
        }
        return b.build();
    }

    private static String verb(Call call) {
        return call.operation() == Operation.READ ? "read with" : "used " + call.operation() + " via";
    }

    /** A first WRITE to RESTRICTED data weighs more than a first READ of PUBLIC. */
    static double weight(Call call) {
        double sensitivity = switch (call.sensitivity()) {
            case PUBLIC -> 0.5;
            case INTERNAL -> 1;
            case CONFIDENTIAL -> 2;
            case RESTRICTED -> 3;
        };
        double operation = switch (call.operation()) {
            case READ -> 1;
            case WRITE, SEND, EXECUTE -> 2;
            case DELETE, DELEGATE -> 3;
        };
        return sensitivity * operation;
    }
}
