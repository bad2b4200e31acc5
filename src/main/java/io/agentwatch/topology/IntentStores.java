package io.agentwatch.topology;

import io.agentwatch.state.CredentialState;
import io.agentwatch.state.PendingApproval;
import io.agentwatch.state.TaskBaselines;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-agent task baselines and credential state of one task, with a cache of decoded values
 * (this task is their only writer, so the cache stays exact), and the deadlines of the step-up
 * approvals that wait, kept in memory so that a sweep does not read every agent: rebuilt from
 * the credentials store when the task starts, updated with every write after. The agents with
 * an entry in either store are kept too, so that the store gauges count exactly (RocksDB's
 * estimate counts overwrites and deletes until a compaction).
 */
final class IntentStores {
    private static final int CACHE_SIZE = 10_000;

    private final KeyValueStore<String, TaskBaselines> tasks;
    private final KeyValueStore<String, CredentialState> credentials;
    private final Map<String, TaskBaselines> taskCache = lruCache();
    private final Map<String, CredentialState> credentialCache = lruCache();
    /** Per agent with approvals waiting: the earliest stream-time and wall-clock deadlines. */
    private final Map<String, long[]> deadlines = new HashMap<>();
    private final Set<String> taskAgents = new HashSet<>();
    private final Set<String> credentialAgents = new HashSet<>();

    IntentStores(KeyValueStore<String, TaskBaselines> tasks, KeyValueStore<String, CredentialState> credentials) {
        this.tasks = tasks;
        this.credentials = credentials;
        try (KeyValueIterator<String, CredentialState> it = credentials.all()) {
            it.forEachRemaining(kv -> index(kv.key, kv.value));
        }
        try (KeyValueIterator<String, TaskBaselines> it = tasks.all()) {
            it.forEachRemaining(kv -> taskAgents.add(kv.key));
        }
    }

    private static <V> Map<String, V> lruCache() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE_SIZE;
            }
        };
    }

    TaskBaselines tasks(String agentId) {
        TaskBaselines t = taskCache.get(agentId);
        if (t == null) {
            t = tasks.get(agentId);
            if (t == null) {
                t = new TaskBaselines();
            }
            taskCache.put(agentId, t);
        }
        return t;
    }

    void putTasks(String agentId, TaskBaselines t) {
        tasks.put(agentId, t);
        taskCache.put(agentId, t);
        taskAgents.add(agentId);
    }

    /** An operator reset the agent's baseline: its task baselines start over too. */
    void resetTasks(String agentId) {
        tasks.delete(agentId);
        taskCache.remove(agentId);
        taskAgents.remove(agentId);
    }

    CredentialState credentials(String agentId) {
        CredentialState c = credentialCache.get(agentId);
        if (c == null) {
            c = credentials.get(agentId);
            if (c == null) {
                c = new CredentialState();
            }
            credentialCache.put(agentId, c);
        }
        return c;
    }

    void putCredentials(String agentId, CredentialState c) {
        credentials.put(agentId, c);
        credentialCache.put(agentId, c);
        index(agentId, c);
    }

    private void index(String agentId, CredentialState c) {
        credentialAgents.add(agentId);
        if (c.approvals().isEmpty()) {
            deadlines.remove(agentId);
            return;
        }
        long stream = Long.MAX_VALUE;
        long wall = Long.MAX_VALUE;
        for (PendingApproval p : c.approvals()) {
            stream = Math.min(stream, p.deadline());
            wall = Math.min(wall, p.wallDeadline());
        }
        deadlines.put(agentId, new long[] {stream, wall});
    }

    /** Agents with an approval due at stream time {@code now} or wall-clock time {@code wallNow}. */
    List<String> agentsWithApprovalsDue(long now, long wallNow) {
        List<String> out = new ArrayList<>();
        deadlines.forEach((agent, d) -> {
            if (d[0] <= now || d[1] <= wallNow) {
                out.add(agent);
            }
        });
        return out;
    }

    long taskEntries() {
        return taskAgents.size();
    }

    long credentialEntries() {
        return credentialAgents.size();
    }
}
