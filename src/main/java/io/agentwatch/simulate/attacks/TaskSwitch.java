package io.agentwatch.simulate.attacks;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Task switch: mid-task, the agent does something it does in its other tasks but this task never
 * asks for (an invoicing run that writes the ledger, an alert investigation that deploys). The
 * agent makes such calls every week and its token allows this one (over-provisioned), so neither
 * the credential checks nor the agent's baseline object: only a baseline per task type
 * ({@code task.types.file}) sees that the task did not ask for it.
 */
public final class TaskSwitch implements Hijack {
    /** Tasks drawn from the agent's role to find one that does something this one does not. */
    private static final int TRIES = 20;

    @Override
    public List<String> preferredRoles() {
        return List.of("billing", "devops");
    }

    @Override
    public Task plan(Agent agent, Instant start, Fleet fleet, TokenLedger ledger) {
        Rand rand = agent.rand();
        Task own = agent.role().nextTask(agent, fleet);
        Set<String> ownTools = own.steps().stream().map(s -> s.tool().name()).collect(Collectors.toSet());
        for (int i = 0; i < TRIES; i++) {
            List<Step> foreign = agent.role().nextTask(agent, fleet).steps().stream()
                    .filter(s -> s.operation() != Operation.READ && !ownTools.contains(s.tool().name())).toList();
            if (!foreign.isEmpty()) {
                Step switched = rand.pick(foreign).outcome(Outcome.OK);
                Task overProvisioned = own.grantingAlso(List.of(switched.scope()), List.of(switched.boundary()));
                return Takeover.splice(overProvisioned, List.of(switched), rand);
            }
        }
        // A role whose tasks all do the same things: the switch is to another role's work.
        return new ScopeDrift().plan(agent, start, fleet, ledger);
    }
}
