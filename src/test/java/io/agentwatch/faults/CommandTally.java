package io.agentwatch.faults;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Revoke commands expected (from replay) against those a read_committed consumer saw:
 * {@code lost} expected but never seen, {@code duplicated} seen more than once, {@code unexpected}
 * seen but not expected.
 */
record CommandTally(int expected, int seen, int distinct, Set<String> lost, Set<String> duplicated,
                    Set<String> unexpected) {

    static CommandTally of(List<String> expectedIds, List<String> seenIds) {
        Map<String, Integer> counts = new HashMap<>();
        seenIds.forEach(id -> counts.merge(id, 1, Integer::sum));
        Set<String> expected = new HashSet<>(expectedIds);
        Set<String> lost = new TreeSet<>(expected);
        lost.removeAll(counts.keySet());
        Set<String> duplicated = new TreeSet<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                duplicated.add(id);
            }
        });
        Set<String> unexpected = new TreeSet<>(counts.keySet());
        unexpected.removeAll(expected);
        return new CommandTally(expectedIds.size(), seenIds.size(), counts.size(), lost, duplicated, unexpected);
    }

    boolean exact() {
        return lost.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty();
    }
}
