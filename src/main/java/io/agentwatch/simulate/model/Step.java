package io.agentwatch.simulate.model;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import java.time.Duration;

/**
 * One planned tool call of a session, before it gets an id and a time. Fields left null are
 * decided when the session is written: {@code outcome} (mostly OK, rarely ERROR with a retry or
 * DENIED), {@code pause} (the agent's think time), {@code tokenId} (the session's own token).
 */
public record Step(Tool tool, String target, String boundary, Sensitivity sensitivity, Outcome outcome,
                   Duration pause, String tokenId, String scope, Delegation delegation) {

    static Step of(Tool tool, String target) {
        return new Step(tool, target, tool.boundary(), tool.sensitivity(), null, null, null, tool.scope(), null);
    }

    public Operation operation() {
        return tool.operation();
    }

    public Step in(String newBoundary) {
        return new Step(tool, target, newBoundary, sensitivity, outcome, pause, tokenId, scope, delegation);
    }

    public Step sensitivity(Sensitivity newSensitivity) {
        return new Step(tool, target, boundary, newSensitivity, outcome, pause, tokenId, scope, delegation);
    }

    public Step outcome(Outcome newOutcome) {
        return new Step(tool, target, boundary, sensitivity, newOutcome, pause, tokenId, scope, delegation);
    }

    public Step after(Duration newPause) {
        return new Step(tool, target, boundary, sensitivity, outcome, newPause, tokenId, scope, delegation);
    }

    /** Presents another token than the session's own (token misuse). */
    public Step withToken(String newTokenId) {
        return new Step(tool, target, boundary, sensitivity, outcome, pause, newTokenId, scope, delegation);
    }

    /** A DELEGATE call: the broker then issues the delegate a token and the delegate runs {@code delegation}. */
    public Step delegating(Delegation newDelegation) {
        return new Step(tool, target, boundary, sensitivity, outcome, pause, tokenId, scope, newDelegation);
    }
}
