package io.agentwatch.simulate.model;

import java.util.List;
import java.util.Optional;

/** All simulated agents, for tasks that involve another agent (delegation, a stolen token). */
public record Fleet(List<Agent> agents) {

    public Fleet {
        agents = List.copyOf(agents);
    }

    /** A random other agent of the given role, if the fleet has one. */
    public Optional<Agent> otherOfRole(Agent self, String role, Rand rand) {
        List<Agent> candidates = agents.stream()
                .filter(a -> a != self && a.role().name().equals(role)).toList();
        return candidates.isEmpty() ? Optional.empty() : Optional.of(rand.pick(candidates));
    }

    public List<Agent> others(Agent self) {
        return agents.stream().filter(a -> a != self).toList();
    }
}
