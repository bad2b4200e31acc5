package io.agentwatch.detect;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.state.Grains;
import io.agentwatch.state.ResponseMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Scope drift: a tool, (tool, operation), boundary or target that is UNSEEN or RARE for this
 * agent, judged by surprisal against its ACTIVE baseline and weighted by what the call does.
 * Graded:
 * <ul>
 * <li>HIGH ({@code drift.high_impact}): a high-impact action this agent never took (an unseen
 * (tool, operation) that writes, deletes, executes or delegates on CONFIDENTIAL or RESTRICTED
 * data, or moves money) in a boundary it does not use. A support agent's first refund, in
 * finance, is the harm itself.</li>
 * <li>MEDIUM ({@code drift.action}): the same action inside the agent's usual boundaries, or a
 * novel call into a boundary the agent does not use that reads CONFIDENTIAL+ data or changes
 * something there: two signals. Measured on real agents, first deletes and bookings inside an
 * agent's own service are common enough that revoking them would cut off every new task.</li>
 * <li>LOW otherwise: agents pick up tools they use once a week (a billing agent's first
 * refund report, an HR assistant's quarterly headcount); alerting on each would bury the
 * analyst.</li>
 * </ul>
 * Several distinct unusual actions in one session add up ({@code drift.session}, MEDIUM); the
 * same new tool used ten times is one novelty, not ten.
 */
public final class ScopeDriftDetector implements Detector {

    @Override
    public List<Detection> inspect(CallContext ctx) {
        List<Detection> out = new ArrayList<>();
        if (!ctx.baseline().isActive()) {
            return out;
        }
        Call call = ctx.call();
        double t = ctx.settings().thresholdBits();
        Novelty toolOp = ctx.novelty(Grains.TOOL_OPERATION, Grains.toolOperation(call));
        List<Novelty> notable = List.of(
                        ctx.novelty(Grains.TOOL, call.tool()),
                        toolOp,
                        ctx.novelty(Grains.BOUNDARY, call.boundary()),
                        ctx.novelty(Grains.TARGET, call.target()))
                .stream().filter(Novelty::notable).toList();
        if (notable.isEmpty()) {
            return out;
        }
        String previous = ctx.activity().lastTool();
        Novelty transition = previous == null ? null
                : ctx.novelty(Grains.TRANSITION, Grains.transition(previous, call.tool()));
        double excess = notable.stream().mapToDouble(n -> n.bits() - t + 1).sum()
                + (transition != null && transition.notable() ? transition.bits() - t + 1 : 0);
        String key = "drift:" + notable.stream().map(Novelty::value).collect(Collectors.joining("|"));
        ResponseMemory memory = ctx.session().response();
        if (memory.raised(key)) {
            return out;
        }
        double drift = weight(call) * excess;
        out.add(actionFinding(call, notable, transition, toolOp, key, drift));
        int events = memory.driftEvents() + 1;
        double score = memory.driftScore() + drift;
        if (events >= 3 && score >= ctx.settings().sessionDriftScore()) {
            out.add(Detection.of(Detection.SCOPE_DRIFT, "drift.session", Severity.MEDIUM, 30)
                    .summary(String.format(Locale.ROOT,
                            "%s made %d unusual calls in session %s (weighted surprisal %.1f, threshold %.1f), latest %s",
                            call.agentId(), events, call.sessionId(), score,
                            ctx.settings().sessionDriftScore(), call.tool()))
                    .revoke(RevokeScope.SESSION).key("drift.session").call(call)
                    .observe(notable.get(0).toObservation()).build());
        }
        return out;
    }

    private Detection actionFinding(Call call, List<Novelty> notable, Novelty transition, Novelty toolOp, String key,
                                    double drift) {
        Severity severity;
        int score;
        String rule;
        boolean newBoundary = notable.stream().anyMatch(n -> n.grain().equals(Grains.BOUNDARY));
        if (toolOp.notable() && toolOp.unseen() && call.isHighImpact() && newBoundary) {
            severity = Severity.HIGH;
            score = 75;
            rule = "drift.high_impact";
        } else if ((newBoundary && (call.atLeast(Sensitivity.CONFIDENTIAL) || call.isWriteLike()))
                || (toolOp.notable() && toolOp.unseen() && call.isHighImpact())) {
            severity = Severity.MEDIUM;
            score = 25;
            rule = "drift.action";
        } else {
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
                .revoke(RevokeScope.SESSION).key(key).drift(drift).call(call);
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
