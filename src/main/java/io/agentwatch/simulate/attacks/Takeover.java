package io.agentwatch.simulate.attacks;

import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Splices attacker steps into an agent's own task: a few of its own steps, the attack, maybe a little more of its own work. */
final class Takeover {
    private Takeover() {
    }

    static Task splice(Task own, List<Step> attack, Rand rand) {
        List<Step> steps = own.steps();
        int turn = Math.min(steps.size(), rand.between(1, 4));
        int resume = Math.min(steps.size(), turn + rand.between(0, 2));
        List<Step> spliced = new ArrayList<>(steps.subList(0, turn));
        spliced.addAll(attack);
        spliced.addAll(steps.subList(turn, resume));
        return own.withSteps(spliced);
    }

    static List<String> scopesOf(List<Step> steps) {
        return List.copyOf(new LinkedHashSet<>(steps.stream().map(Step::scope).toList()));
    }

    static List<String> boundariesOf(List<Step> steps) {
        return List.copyOf(new LinkedHashSet<>(steps.stream().map(Step::boundary).toList()));
    }
}
