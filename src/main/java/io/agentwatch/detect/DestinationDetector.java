package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.catalog.ToolFlag;
import io.agentwatch.model.Call;
import io.agentwatch.state.DestinationBook;
import io.agentwatch.state.SessionActivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Egress by destination, not by verb: a call that hands its parameters to a party (an external
 * sink, a payment, any request to a network address, READs included) is judged by who receives
 * them. Real exfiltration and real prompt injections go through the agent's everyday tools (its
 * mail tool, its payment tool, its browser) to a recipient, payee or host it has never used, so
 * the boundary alone says nothing.
 *
 * <p>A destination not known to the baseline (never used, still in quarantine, or implicated by
 * an earlier revoke) is a harm-path candidate when the session read sensitive data or took in
 * untrusted input before the call:
 * <ul>
 * <li>HIGH (revoke the session) when the destination is implicated, or when it was never used,
 * new destinations are rare for this agent (surprisal of a new one at least
 * {@code chain.destination.threshold.bits}), and a second, independent anomaly lies on the
 * chain: untrusted input earlier in the session, a refused call, an earlier read of a target
 * never seen, a tool or boundary never seen, or money moving to the new payee. The rule is
 * {@code chain.toxic_flow} when untrusted input is among them, else {@code chain.exfiltration}.</li>
 * <li>LOW ({@code chain.new_destination}) otherwise: context for an analyst (a destination in
 * quarantine, a new one for an agent that reaches new parties all the time, or one without a
 * second anomaly).</li>
 * </ul>
 * A destination the token's task names (its purpose) was asked for by the principal and is not a
 * candidate. Statistical, so it waits for an ACTIVE baseline; the token checks act before.
 */
public final class DestinationDetector implements Detector {

    @Override
    public List<Detection> inspect(CallContext ctx) {
        Call call = ctx.call();
        if (!ctx.baseline().isActive() || !call.reachesParty()) {
            return List.of();
        }
        List<String> unknown = ctx.unvettedDestinations();
        if (unknown.isEmpty()) {
            return List.of();
        }
        SessionActivity a = ctx.activity();
        DestinationBook book = ctx.baseline().destinations();
        boolean afterSensitiveRead = !a.sensitiveReads().isEmpty();
        boolean afterUntrustedInput = a.untrustedInputEventId() != null;
        List<String> implicated = unknown.stream().filter(book::isImplicated).toList();
        List<String> neverUsed = unknown.stream().filter(d -> book.cleanSessions(d) == 0).toList();
        double bits = book.newDestinationSurprisalBits();
        boolean rare = bits >= ctx.settings().destinationThresholdBits();
        List<String> anomalies = secondAnomalies(ctx);

        Detection.Builder b;
        if ((afterSensitiveRead || afterUntrustedInput)
                && (!implicated.isEmpty() || (!neverUsed.isEmpty() && rare && !anomalies.isEmpty()))) {
            boolean toxic = afterUntrustedInput;
            boolean restricted = a.sensitiveReads().stream().anyMatch(r -> r.sensitivity() == Sensitivity.RESTRICTED);
            b = Detection.of(Detection.CROSS_BOUNDARY, toxic ? "chain.toxic_flow" : "chain.exfiltration",
                            restricted ? Severity.CRITICAL : Severity.HIGH, restricted ? 95 : 85)
                    .revoke(RevokeScope.SESSION)
                    .summary(call.agentId() + " " + verb(call) + " " + String.join(", ", unknown) + " via "
                            + call.tool() + " " + precondition(a) + ": "
                            + (implicated.isEmpty() ? "" : "implicated by an earlier revoke: " + implicated + "; ")
                            + (neverUsed.isEmpty() ? "" : "never used by this agent: " + neverUsed + "; ")
                            + String.join("; ", anomalies));
            if (toxic) {
                b.event(a.untrustedInputEventId());
            }
            a.sensitiveReads().forEach(r -> b.event(r.eventId()).tool(r.tool()).boundary(r.boundary()));
            unknown.forEach(b::implicate);
        } else {
            b = Detection.of(Detection.CROSS_BOUNDARY, "chain.new_destination", Severity.LOW, 5)
                    .revoke(RevokeScope.SESSION)
                    .summary(call.agentId() + " " + verb(call) + " " + String.join(", ", unknown) + " via "
                            + call.tool() + ", not yet in its baseline"
                            + (afterSensitiveRead || afterUntrustedInput ? " (" + precondition(a) + ")" : ""))
                    .note(String.format(Locale.ROOT, "surprisal of a new destination for this agent: %.1f bits"
                            + " (threshold %.1f)", bits, ctx.settings().destinationThresholdBits()));
            anomalies.forEach(b::note);
        }
        b.key("destination:" + String.join(",", unknown)).call(call);
        for (String d : unknown) {
            b.observe(observation(d, book, ctx.settings().quarantineSessions()));
        }
        return List.of(b.build());
    }

    /** Evidence on the chain besides the new destination itself. */
    private static List<String> secondAnomalies(CallContext ctx) {
        SessionActivity a = ctx.activity();
        Call call = ctx.call();
        List<String> out = new ArrayList<>();
        if (a.untrustedInputEventId() != null) {
            out.add("untrusted input earlier in the session (" + a.untrustedInputEventId() + ")");
        }
        if (a.refusedEventId() != null) {
            out.add("a call refused earlier in the session (" + a.refusedEventId() + ")");
        }
        if (a.novelReadEventId() != null) {
            out.add("an earlier read of a target never seen (" + a.novelReadEventId() + ")");
        }
        if (a.novelActionEventId() != null) {
            out.add("an earlier tool or boundary never seen (" + a.novelActionEventId() + ")");
        } else if (ctx.novelties().action()) {
            out.add("a tool or boundary never seen (" + call.eventId() + ")");
        }
        if (call.has(ToolFlag.FINANCIAL)) {
            out.add("money moving to a payee this agent never paid");
        }
        return out;
    }

    private static String precondition(SessionActivity a) {
        List<String> parts = new ArrayList<>();
        if (!a.sensitiveReads().isEmpty()) {
            SessionActivity.SensitiveRead r = a.sensitiveReads().get(a.sensitiveReads().size() - 1);
            parts.add("after reading " + r.sensitivity() + " data with " + r.tool() + " (" + r.eventId() + ")");
        }
        if (a.untrustedInputEventId() != null) {
            parts.add("after untrusted input (" + a.untrustedInputEventId() + ")");
        }
        return String.join(" and ", parts);
    }

    private static String verb(Call call) {
        return switch (call.operation()) {
            case READ -> "sent a request to";
            case SEND -> "sent to";
            case EXECUTE -> "executed towards";
            default -> call.operation().name().toLowerCase(Locale.ROOT) + " towards";
        };
    }

    private static Observation observation(String destination, DestinationBook book, int quarantine) {
        int sessions = book.cleanSessions(destination);
        String verdict = book.isImplicated(destination) ? "IMPLICATED" : sessions == 0 ? "UNSEEN" : "QUARANTINED";
        return Observation.newBuilder().setGrain("destination").setValue(destination).setVerdict(verdict)
                .setCount(sessions).setTotal(quarantine).setDistinct(book.size())
                .setSurprisalBits(book.newDestinationSurprisalBits()).build();
    }
}
