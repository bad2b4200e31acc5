package io.agentwatch.state;

import io.agentwatch.model.Call;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a session would teach the baseline, held back until the session ends: the grain values
 * of its calls, the destinations its calls reached, and the days it was active. Learned only
 * if the session ends without a HIGH finding (see {@link Baseline#learn}). Bounded.
 */
public final class PendingLearning {
    static final int MAX_PENDING_VALUES = 128;
    static final int MAX_DESTINATIONS = 64;

    Map<String, Map<String, Integer>> pending = new TreeMap<>();
    TreeSet<Long> days = new TreeSet<>();
    LinkedHashSet<String> destinations = new LinkedHashSet<>();
    /** Set once the session outgrew its size limit: nothing of it is learned. */
    boolean forgotten;

    /** Nothing of this session will be learned. */
    void forget() {
        forgotten = true;
        pending.clear();
        destinations.clear();
    }

    public boolean forgotten() {
        return forgotten;
    }

    void record(Call c, String previousTool, Set<String> sensitiveReadBoundaries) {
        if (forgotten) {
            return;
        }
        days.add(Math.floorDiv(c.time(), 86_400_000L));
        for (Grains.Value v : Grains.of(c, previousTool, sensitiveReadBoundaries)) {
            Map<String, Integer> counts = pending.computeIfAbsent(v.grain(), k -> new HashMap<>());
            if (counts.containsKey(v.value()) || counts.size() < MAX_PENDING_VALUES) {
                counts.merge(v.value(), 1, Integer::sum);
            }
        }
        if (c.reachesParty()) {
            for (String d : c.destinations()) {
                if (destinations.size() < MAX_DESTINATIONS) {
                    destinations.add(d);
                }
            }
        }
    }

    public Map<String, Map<String, Integer>> values() {
        return Collections.unmodifiableMap(pending);
    }

    public Set<String> destinations() {
        return Collections.unmodifiableSet(destinations);
    }

    public Set<Long> days() {
        return Collections.unmodifiableSet(days);
    }
}
