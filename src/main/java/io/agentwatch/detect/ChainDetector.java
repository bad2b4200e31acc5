package io.agentwatch.detect;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grains;
import io.agentwatch.state.SessionActivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Cross-boundary tool chaining, judged at the call that would move data into another
 * boundary, so that the revoke comes out before the data leaves:
 * <ul>
 * <li>{@code chain.exfiltration}: data read at CONFIDENTIAL+ in boundary A, then a write, send
 * or execute (or an external sink) into boundary B != A that the agent never sends to or uses.
 * From the first event when B is outside the token's allowed boundaries (CRITICAL); otherwise
 * once the baseline is ACTIVE (HIGH, CRITICAL for RESTRICTED data).</li>
 * <li>{@code chain.toxic_flow}: the same chain when untrusted input came first in the session:
 * the path of a prompt injection.</li>
 * <li>{@code chain.cross_boundary}: the chain into a boundary never used while the baseline is
 * LEARNING (MEDIUM), or into a known boundary along a data flow the agent never showed (LOW).</li>
 * <li>{@code chain.boundary_hopping}: more distinct boundaries in a short window than the limit
 * and than the agent's clean sessions ever touched (MEDIUM).</li>
 * </ul>
 * New recipients, payees and hosts inside known boundaries are {@link DestinationDetector}'s.
 */
public final class ChainDetector implements Detector {

    @Override
    public List<Detection> inspect(CallContext ctx) {
        List<Detection> out = new ArrayList<>();
        boundaryHopping(ctx).ifPresent(out::add);
        Call call = ctx.call();
        if (!call.isEgress() || call.boundary() == null) {
            return out;
        }
        String destination = call.boundary();
        List<SessionActivity.SensitiveRead> sources = ctx.activity().sensitiveReads().stream()
                .filter(r -> !destination.equals(r.boundary())).toList();
        if (sources.isEmpty()) {
            return out; // the data stays in the boundary it came from
        }
        boolean toxic = ctx.activity().untrustedInputEventId() != null;
        String rule = toxic ? "chain.toxic_flow" : "chain.exfiltration";
        if (ctx.token() != null && !ctx.token().allowsBoundary(destination)) {
            out.add(chain(ctx, sources, rule, Severity.CRITICAL, 95,
                    "outside the boundaries its token allows " + ctx.token().boundaries())
                    .key("chain:" + destination).build());
            return out;
        }
        Baseline baseline = ctx.baseline();
        Novelty egress = ctx.novelty(Grains.EGRESS, destination);
        Novelty boundary = ctx.novelty(Grains.BOUNDARY, destination);
        if (!baseline.isActive()) {
            if (egress.unseen() && boundary.unseen()) {
                out.add(chain(ctx, sources, "chain.cross_boundary", Severity.MEDIUM, 10,
                        "a boundary it has not used so far")
                        .note("baseline LEARNING: statistical checks wait, so this is an alert, not a revoke")
                        .key("chain:" + destination).build());
            }
            return out;
        }
        // A call that hands data to parties the agent knows (or its task names) is judged by
        // them: sending into a boundary it already works in is then no news by itself.
        boolean vettedParties = call.reachesParty() && ctx.unvettedDestinations().isEmpty();
        List<Novelty> novel = (vettedParties ? List.of(boundary) : List.of(egress, boundary)).stream()
                .filter(Novelty::notable).toList();
        if (!novel.isEmpty()) {
            boolean restricted = sources.stream().anyMatch(r -> r.sensitivity() == Sensitivity.RESTRICTED);
            Detection.Builder b = chain(ctx, sources, rule,
                    restricted ? Severity.CRITICAL : Severity.HIGH, restricted ? 95 : 85,
                    novel.stream().map(Novelty::describe).collect(Collectors.joining("; ")))
                    .key("chain:" + destination);
            novel.forEach(n -> b.observe(n.toObservation()));
            out.add(b.build());
            return out;
        }
        List<Novelty> newFlows = sources.stream()
                .map(r -> ctx.novelty(Grains.FLOW, Grains.flow(r.boundary() == null ? "?" : r.boundary(), destination)))
                .filter(Novelty::notable).toList();
        if (!newFlows.isEmpty()) {
            Detection.Builder b = chain(ctx, sources, "chain.cross_boundary", Severity.LOW, 10,
                    "a known destination, along a data flow it has not shown: "
                            + newFlows.stream().map(Novelty::describe).collect(Collectors.joining("; ")))
                    .key("flow:" + newFlows.stream().map(Novelty::value).collect(Collectors.joining("|")));
            newFlows.forEach(n -> b.observe(n.toObservation()));
            out.add(b.build());
        }
        return out;
    }

    private Detection.Builder chain(CallContext ctx, List<SessionActivity.SensitiveRead> sources, String rule,
                                    Severity severity, int score, String why) {
        Call call = ctx.call();
        Detection.Builder b = Detection.of(Detection.CROSS_BOUNDARY, rule, severity, score)
                .revoke(RevokeScope.SESSION);
        String untrusted = "";
        if (rule.equals("chain.toxic_flow")) {
            b.event(ctx.activity().untrustedInputEventId());
            untrusted = " after untrusted input (" + ctx.activity().untrustedInputEventId() + ")";
        }
        sources.forEach(r -> b.event(r.eventId()).tool(r.tool()).boundary(r.boundary()));
        SessionActivity.SensitiveRead first = sources.get(0);
        b.call(call).summary(call.agentId() + " " + call.operation() + " via " + call.tool()
                + (call.target() == null ? "" : " to " + call.target()) + " into boundary " + call.boundary()
                + untrusted + " after reading " + first.sensitivity() + " data with " + first.tool() + " in "
                + (first.boundary() == null ? "an unlabelled boundary" : first.boundary()) + ": " + why);
        return b;
    }

    private Optional<Detection> boundaryHopping(CallContext ctx) {
        Call call = ctx.call();
        if (!ctx.baseline().isActive() || call.boundary() == null) {
            return Optional.empty();
        }
        DetectionSettings s = ctx.settings();
        int distinct = ctx.activity().boundariesSince(call.time() - s.boundaryWindowMs(), call.boundary());
        int limit = Math.max(s.boundaryLimit(), ctx.baseline().maxBoundariesPerSession());
        if (distinct <= limit) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.CROSS_BOUNDARY, "chain.boundary_hopping", Severity.MEDIUM, 30)
                .summary(call.agentId() + " touched " + distinct + " trust boundaries within "
                        + s.boundaryWindowMs() / 60_000 + " min in session " + call.sessionId()
                        + " (its clean sessions touched at most " + ctx.baseline().maxBoundariesPerSession() + ")")
                .revoke(RevokeScope.SESSION).key("chain.boundary_hopping").call(call).build());
    }
}
