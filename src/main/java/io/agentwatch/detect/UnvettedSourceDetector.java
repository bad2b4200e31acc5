package io.agentwatch.detect;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import java.util.List;
import java.util.Map;

/**
 * {@code chain.unvetted_source}: the session fetched content from a source the agent never used
 * (a web host, a mailbox address not in its baseline) through a tool whose results a third
 * party can write, and then changes something: a write, send, execute, delete or delegation.
 * Untrusted content from an unvetted source followed by an action is the shape of a prompt
 * injection even when no sensitive data was read first, so the session is revoked (HIGH) and
 * the source is implicated, so that it is never learned as normal. Like any judgement of a new
 * destination it needs new destinations to be rare for this agent (see {@link DestinationDetector}):
 * an agent that reads new sites every day is not hijacked by the next one.
 *
 * <p>It usually fires after the injected request itself (the visit to the source was the first
 * sign, and alone it is only LOW), so it limits the damage rather than preventing it; its other
 * effect is that the source stays out of the baseline for the next session it is used in.
 */
public final class UnvettedSourceDetector implements Detector {

    @Override
    public List<Detection> inspect(CallContext ctx) {
        Call call = ctx.call();
        Map<String, String> sources = ctx.activity().unvettedSources();
        if (!ctx.baseline().isActive() || sources.isEmpty() || call.operation() == Operation.READ
                || ctx.baseline().destinations().newDestinationSurprisalBits()
                < ctx.settings().destinationThresholdBits()) {
            return List.of();
        }
        List<String> stillUnknown = sources.keySet().stream()
                .filter(d -> !ctx.baseline().destinations().isKnown(d, ctx.settings().quarantineSessions()))
                .toList();
        if (stillUnknown.isEmpty()) {
            return List.of();
        }
        Detection.Builder b = Detection.of(Detection.CROSS_BOUNDARY, "chain.unvetted_source", Severity.HIGH, 80)
                .revoke(RevokeScope.SESSION)
                .summary(call.agentId() + " " + call.operation() + " via " + call.tool()
                        + (call.target() == null ? "" : " on " + call.target())
                        + " after taking in content from " + String.join(", ", stillUnknown)
                        + ", a source it never used")
                .key("unvetted:" + String.join(",", stillUnknown));
        stillUnknown.forEach(d -> b.event(sources.get(d)).implicate(d));
        return List.of(b.call(call).build());
    }
}
