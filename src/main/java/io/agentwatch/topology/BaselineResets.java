package io.agentwatch.topology;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Baseline resets requested by an operator (admin HTTP call or CLI). Stores can only be
 * written by the stream thread that owns them, so a request is queued here and carried out by
 * the agent monitor when it next processes a record of that agent: the baseline starts again
 * from LEARNING. Requests reach the instance that owns the agent (the HTTP layer forwards).
 */
public final class BaselineResets {
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public void request(String agentId) {
        pending.add(agentId);
    }

    /** True once for each requested agent: the caller must then drop the agent's baseline. */
    boolean take(String agentId) {
        return !pending.isEmpty() && pending.remove(agentId);
    }

    public boolean isPending(String agentId) {
        return pending.contains(agentId);
    }
}
