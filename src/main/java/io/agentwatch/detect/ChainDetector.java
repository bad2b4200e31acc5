package io.agentwatch.detect;

import io.agentwatch.model.Call;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.catalog.ToolFlag;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Cross-boundary tool chaining, judged at the call that would move data out, so that the
 * revoke comes out before the data leaves:
 * <ul>
 * <li>{@code chain.exfiltration}: sensitive data read in boundary A, then WRITE/SEND/EXECUTE
 * (or an external sink) into boundary B != A, where B is a boundary this agent never (or very
 * rarely) sends to or uses; a new recipient or sink inside a boundary it uses is only LOW. From the first event when B is outside the token's
 * allowed boundaries; otherwise once the baseline is ACTIVE.</li>
 * <li>{@code chain.toxic_flow}: the same chain when untrusted input (a web page, an inbound
 * mail) came first in the session and the sink is an external one: untrusted input + private
 * data + external sink, the path of a prompt injection.</li>
 * <li>{@code chain.cross_boundary}: the same paths to destinations the agent does use but
 * along a data flow it never showed (LOW), or while the baseline is still LEARNING (MEDIUM).</li>
 * <li>{@code chain.boundary_hopping}: more distinct boundaries in a short window than the
 * limit and than the agent's clean sessions ever touched.</li>
 * </ul>
 */
public final class ChainDetector {
    private final DetectionSettings settings;

    public ChainDetector(DetectionSettings settings) {
        this.settings = settings;
    }

    public List<Detection> inspect(Call call, SessionState session, Baseline baseline, TokenState token) {
        List<Detection> out = new ArrayList<>();
        boundaryHopping(call, session, baseline).ifPresent(out::add);
        if (!call.isEgress() || call.boundary() == null) {
            return out;
        }
        String destination = call.boundary();
        List<SessionState.SensitiveRead> sources = session.sensitiveReads().stream()
                .filter(r -> !destination.equals(r.boundary())).toList();
        if (sources.isEmpty()) {
            return out; // the data stays in the boundary it came from
        }
        // With untrusted input earlier in the session and a sink that leads out, the chain is the
        // "toxic flow" (untrusted input + private data + external sink): a prompt injection's path.
        boolean toxic = call.has(ToolFlag.EXTERNAL_SINK) && session.untrustedInputEventId() != null;
        String rule = toxic ? "chain.toxic_flow" : "chain.exfiltration";
        if (token != null && !token.allowsBoundary(destination)) {
            if (session.raiseOnce("chain:" + destination)) {
                out.add(chain(call, session, sources, rule, Severity.CRITICAL, 95,
                        "outside the boundaries its token allows " + token.boundaries()).build());
            }
            return out;
        }
        double t = settings.thresholdBits();
        List<Novelty> destinationNovelty = List.of(
                Novelty.of(baseline, Baseline.EGRESS, destination, t),
                Novelty.of(baseline, Baseline.BOUNDARY, destination, t),
                Novelty.of(baseline, Baseline.RECIPIENT, call.target(), t),
                Novelty.of(baseline, Baseline.TOOL_OPERATION, call.toolOperation(), t));
        if (!baseline.isActive()) {
            boolean neverUsed = destinationNovelty.get(0).unseen() && destinationNovelty.get(1).unseen();
            if (neverUsed && session.raiseOnce("chain:" + destination)) {
                out.add(chain(call, session, sources, "chain.cross_boundary", Severity.MEDIUM, 10,
                        "a boundary it has not used so far")
                        .note("baseline LEARNING: statistical checks wait, so this is an alert, not a revoke")
                        .build());
            }
            return out;
        }
        if (!session.raiseOnce("chain:" + destination + "|" + call.target())) {
            return out;
        }
        // Revocation needs a destination boundary the agent does not send to (or use at all);
        // a new recipient or sink inside a boundary it uses every day is context, not exfiltration.
        List<Novelty> novel = destinationNovelty.stream().filter(Novelty::notable).toList();
        boolean newBoundary = destinationNovelty.get(0).notable() || destinationNovelty.get(1).notable();
        if (newBoundary) {
            boolean restricted = sources.stream().anyMatch(r -> r.sensitivity() == Sensitivity.RESTRICTED);
            Detection.Builder b = chain(call, session, sources, rule,
                    restricted ? Severity.CRITICAL : Severity.HIGH, restricted ? 95 : 85,
                    novel.stream().map(Novelty::describe).collect(Collectors.joining("; ")));
            novel.forEach(n -> b.observe(n.toObservation()));
            out.add(b.build());
            return out;
        }
        if (!novel.isEmpty()) {
            Detection.Builder b = chain(call, session, sources, "chain.cross_boundary", Severity.LOW, 10,
                    "a boundary it uses, but " + novel.stream().map(Novelty::describe).collect(Collectors.joining("; ")));
            novel.forEach(n -> b.observe(n.toObservation()));
            out.add(b.build());
            return out;
        }
        List<Novelty> newFlows = sources.stream()
                .map(r -> Novelty.of(baseline, Baseline.FLOW,
                        SessionState.flow(r.boundary() == null ? "?" : r.boundary(), destination), t))
                .filter(Novelty::notable).toList();
        if (!newFlows.isEmpty()) {
            Detection.Builder b = chain(call, session, sources, "chain.cross_boundary", Severity.LOW, 10,
                    "a known destination, along a data flow it has not shown: "
                            + newFlows.stream().map(Novelty::describe).collect(Collectors.joining("; ")));
            newFlows.forEach(n -> b.observe(n.toObservation()));
            out.add(b.build());
        }
        return out;
    }

    private Detection.Builder chain(Call call, SessionState session, List<SessionState.SensitiveRead> sources,
                                    String rule, Severity severity, int score, String why) {
        Detection.Builder b = Detection.of(Detection.CROSS_BOUNDARY, rule, severity, score)
                .revoke(RevokeScope.SESSION);
        String untrusted = "";
        if (rule.equals("chain.toxic_flow")) {
            b.event(session.untrustedInputEventId());
            untrusted = " after untrusted input (" + session.untrustedInputEventId() + ")";
        }
        sources.forEach(r -> b.event(r.eventId()).tool(r.tool()).boundary(r.boundary()));
        SessionState.SensitiveRead first = sources.get(0);
        b.call(call).summary(call.agentId() + " " + call.operation() + " via " + call.tool()
                + (call.target() == null ? "" : " to " + call.target()) + " into boundary " + call.boundary()
                + untrusted + " after reading " + first.sensitivity() + " data with " + first.tool() + " in "
                + (first.boundary() == null ? "an unlabelled boundary" : first.boundary()) + ": " + why);
        return b;
    }

    private Optional<Detection> boundaryHopping(Call call, SessionState session, Baseline baseline) {
        if (!baseline.isActive() || call.boundary() == null) {
            return Optional.empty();
        }
        int distinct = session.boundariesSince(call.time() - settings.boundaryWindowMs(), call.boundary());
        int limit = Math.max(settings.boundaryLimit(), baseline.maxBoundariesPerSession());
        if (distinct <= limit || !session.raiseOnce("chain.boundary_hopping")) {
            return Optional.empty();
        }
        return Optional.of(Detection.of(Detection.CROSS_BOUNDARY, "chain.boundary_hopping", Severity.MEDIUM, 30)
                .summary(call.agentId() + " touched " + distinct + " trust boundaries within "
                        + settings.boundaryWindowMs() / 60_000 + " min in session " + call.sessionId()
                        + " (its clean sessions touched at most " + baseline.maxBoundariesPerSession() + ")")
                .revoke(RevokeScope.SESSION).call(call).build());
    }
}
