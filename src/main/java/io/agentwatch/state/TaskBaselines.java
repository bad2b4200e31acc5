package io.agentwatch.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One agent's baselines per task type (the type its tokens' purposes map to), beside its
 * baseline as a whole. Learned, like the agent's, only from sessions that ended clean. At most
 * {@code maxTypes} task types per agent: a new one replaces the type learned least recently, so
 * a mapping with many types, or an agent that does everything, cannot grow the state.
 */
public final class TaskBaselines {
    /** Task type to its profile, least recently learned first. */
    LinkedHashMap<String, TaskProfile> types = new LinkedHashMap<>();

    /** The profile of {@code taskType}, or null when this agent never finished a clean session of it. */
    public TaskProfile profile(String taskType) {
        return taskType == null ? null : types.get(taskType);
    }

    public Map<String, TaskProfile> types() {
        return Collections.unmodifiableMap(types);
    }

    /**
     * What a session of {@code taskType} teaches when it ends at {@code now}: its actions, if it
     * ended clean (no HIGH finding); nothing otherwise.
     *
     * @return true when the baselines changed (and must be stored)
     */
    public boolean sessionEnded(String taskType, SessionState s, long now, BaselinePolicy policy, int maxTypes) {
        Map<String, Integer> actions = s.learning().values().get(Grains.TOOL_OPERATION);
        if (taskType == null || !s.response().isLearnable() || actions == null || actions.isEmpty()) {
            return false;
        }
        TaskProfile p = types.remove(taskType);
        if (p == null) {
            p = new TaskProfile();
        }
        p.learn(actions, now, policy);
        types.put(taskType, p);
        while (types.size() > maxTypes) {
            types.remove(types.keySet().iterator().next());
        }
        return true;
    }
}
