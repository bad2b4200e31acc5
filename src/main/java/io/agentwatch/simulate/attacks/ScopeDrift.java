package io.agentwatch.simulate.attacks;

import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Instant;
import java.util.List;

/**
 * Scope drift: mid-task, the agent turns to another role's most valuable data and actions
 * (restricted finance tables and a refund, payroll records, production secrets and a deploy).
 * Its token is over-provisioned and allows all of it, so no credential check fires: only the
 * agent's own baseline says this is not what it does.
 */
public final class ScopeDrift implements Hijack {

    @Override
    public List<String> preferredRoles() {
        return List.of("support", "research", "coding");
    }

    @Override
    public Task plan(Agent agent, Instant start, Fleet fleet, TokenLedger ledger) {
        Rand rand = agent.rand();
        Task own = agent.role().nextTask(agent, fleet);
        List<Step> drift = CrownJewels.notOwnedBy(agent.role().name(), rand).run(rand);
        Task overProvisioned = own.grantingAlso(Takeover.scopesOf(drift), Takeover.boundariesOf(drift));
        return Takeover.splice(overProvisioned, drift, rand);
    }
}
