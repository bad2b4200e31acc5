package io.agentwatch.simulate.attacks;

import io.agentwatch.avro.Outcome;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.IssuedToken;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Token misuse: the hijacked agent tries the credentials it can lay hands on. Its own revoked
 * token (resource servers that cache JWTs still accept it), its own expired token (refused),
 * another agent's live token found in shared memory (accepted: the bearer is not checked), and
 * calls that need a scope its token lacks (refused, repeatedly: probing). Each kind is used
 * when such a token exists at that moment; the scope probe always happens.
 */
public final class TokenMisuse implements Hijack {

    @Override
    public List<String> preferredRoles() {
        return List.of("support", "billing", "coding", "research", "devops", "hr-assistant");
    }

    @Override
    public Task plan(Agent agent, Instant start, Fleet fleet, TokenLedger ledger) {
        Rand rand = agent.rand();
        Task own = agent.role().nextTask(agent, fleet);
        List<Step> attempts = new ArrayList<>();
        ledger.revokedOwn(agent.id(), start).ifPresent(t ->
                attempts.add(rand.pick(own.steps()).withToken(t.tokenId()).outcome(Outcome.OK)));
        ledger.expiredOwn(agent.id(), start).ifPresent(t ->
                attempts.add(rand.pick(own.steps()).withToken(t.tokenId()).outcome(Outcome.DENIED)));
        List<IssuedToken> foreign = ledger.validForeign(agent.id(), start);
        if (!foreign.isEmpty()) {
            IssuedToken stolen = rand.pick(foreign);
            fleet.agents().stream().filter(a -> a.id().equals(stolen.agentId())).findFirst().ifPresent(owner ->
                    attempts.add(owner.role().sensitiveReads(rand).get(0).withToken(stolen.tokenId())
                            .outcome(Outcome.OK)));
        }
        rand.shuffle(attempts);
        List<Step> probe = CrownJewels.notOwnedBy(agent.role().name(), rand).run(rand).stream()
                .filter(s -> !own.scopes().contains(s.scope())).toList();
        for (int i = 0; i < Math.min(probe.size(), rand.between(2, 3)); i++) {
            attempts.add(probe.get(i).outcome(Outcome.DENIED));
        }
        return Takeover.splice(own, attempts, rand);
    }
}
