package io.agentwatch.state;

import java.util.Map;

/**
 * What an agent does when it works on one task type: decayed counts of its actions (tool and
 * operation), learned from the clean sessions whose token declared a purpose of that type, and
 * how many such sessions it has learned. One grain only: the question it answers is whether the
 * task asks for this kind of action at all, not where or on what.
 */
public final class TaskProfile {
    Grain actions = new Grain();
    long sessions;
    long lastLearnedAt;

    /** Decayed counts of (tool, operation) values, spelled as {@link Grains#toolOperation}. */
    public Grain actions() {
        return actions;
    }

    /** Clean sessions of this task type learned so far. */
    public long sessions() {
        return sessions;
    }

    public long lastLearnedAt() {
        return lastLearnedAt;
    }

    void learn(Map<String, Integer> toolOperations, long now, BaselinePolicy policy) {
        toolOperations.forEach((value, n) -> actions.learn(value, n, now, policy.halfLifeMs(), policy.maxValues()));
        sessions++;
        lastLearnedAt = now;
    }
}
