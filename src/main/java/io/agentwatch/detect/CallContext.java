package io.agentwatch.detect;

import io.agentwatch.avro.Operation;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grains;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.List;
import java.util.Locale;

/**
 * Everything a detector may read about one call: the call, the token it presented (from this
 * agent's store; null when it presented none or one never issued to this agent), the cross-agent
 * token index, the session before this call and the agent's baseline. Detectors must treat
 * the session and baseline as read-only.
 */
public record CallContext(Call call, TokenState token, TokenDirectory directory, SessionState session,
                          Baseline baseline, DetectionSettings settings) {

    public SessionActivity activity() {
        return session.activity();
    }

    public Novelty novelty(String grain, String value) {
        return Novelty.of(baseline, grain, value, settings.thresholdBits());
    }

    /**
     * Destinations of this call that nothing vouches for: not known to the baseline (never seen,
     * still in quarantine, or implicated) and not named by the token's task.
     */
    public List<String> unvettedDestinations() {
        return call.destinations().stream()
                .filter(d -> !baseline.destinations().isKnown(d, settings.quarantineSessions()))
                .filter(d -> !namedByTask(d)).toList();
    }

    /**
     * The task the token was issued for names this destination: the principal asked for it, the
     * agent did not pick it up from content along the way. Too short a destination proves nothing.
     */
    private boolean namedByTask(String destination) {
        String purpose = token == null ? null : token.purpose();
        return purpose != null && destination.length() >= 4
                && purpose.toLowerCase(Locale.ROOT).contains(destination.toLowerCase(Locale.ROOT));
    }

    /**
     * What the session should remember of this call for later calls' judgement, once it has
     * been judged. Novelty against a LEARNING baseline means nothing, so it counts only when
     * the baseline is ACTIVE.
     */
    public SessionActivity.Novelties novelties() {
        if (!baseline.isActive()) {
            return SessionActivity.Novelties.NONE;
        }
        boolean read = call.operation() == Operation.READ && novelty(Grains.TARGET, call.target()).unseen()
                && call.target() != null;
        boolean action = novelty(Grains.TOOL, call.tool()).notable()
                || (call.boundary() != null && novelty(Grains.BOUNDARY, call.boundary()).notable());
        return new SessionActivity.Novelties(read, action,
                call.reachesParty() ? unvettedDestinations() : List.of());
    }
}
