package io.agentwatch.simulate.attacks;

import static io.agentwatch.simulate.roles.Tools.DELEGATE_TASK;

import io.agentwatch.avro.Outcome;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Delegation;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Instant;
import java.util.List;

/**
 * Delegation escalation: the hijacked agent DELEGATEs to another agent, and the broker issues
 * the delegate a token whose actor chain names the delegator and its token but whose scopes are
 * broader than the delegator's (the scopes of another role's crown jewels). The delegate then
 * uses exactly those extra scopes. Prefers roles that delegate in their benign work too, so the
 * DELEGATE call alone is not the anomaly.
 */
public final class DelegationEscalation implements Hijack {
    private static final List<String> DELEGATE_ROLES = List.of("billing", "devops", "hr-assistant");

    @Override
    public List<String> preferredRoles() {
        return List.of("coding", "research");
    }

    @Override
    public Task plan(Agent agent, Instant start, Fleet fleet, TokenLedger ledger) {
        Rand rand = agent.rand();
        Task own = agent.role().nextTask(agent, fleet);
        Agent delegate = delegate(agent, fleet, rand);
        CrownJewels jewels = CrownJewels.notOwnedBy(agent.role().name(), rand);
        List<Step> work = jewels.run(rand);
        Task escalated = new Task("delegated by " + agent.name() + ": " + jewels.pretext(), own.audience(),
                own.scopes(), own.boundaries(), work)
                .grantingAlso(Takeover.scopesOf(work), Takeover.boundariesOf(work));
        Step delegation = DELEGATE_TASK.on("agent:" + delegate.name())
                .delegating(new Delegation(delegate, escalated)).outcome(Outcome.OK);
        return Takeover.splice(own, List.of(delegation), rand);
    }

    private static Agent delegate(Agent agent, Fleet fleet, Rand rand) {
        List<Agent> others = fleet.others(agent);
        if (others.isEmpty()) {
            throw new IllegalStateException("delegation-escalation needs at least two agents");
        }
        List<Agent> preferred = others.stream().filter(a -> DELEGATE_ROLES.contains(a.role().name())).toList();
        return rand.pick(preferred.isEmpty() ? others : preferred);
    }
}
