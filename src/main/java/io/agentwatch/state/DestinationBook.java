package io.agentwatch.state;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The destinations an agent's calls reached in sessions that ended clean, learned slowly: a
 * destination is <em>known</em> only once it was used in {@code quarantineSessions} clean
 * sessions, so one missed attack does not make the attacker's address normal. Destinations that
 * a revoking finding named are <em>implicated</em>: they never become known (until an operator
 * resets the baseline), and a later call to one is itself an anomaly.
 *
 * <p>It also measures how often the agent's clean sessions bring a destination never seen
 * before (decayed): an agent that writes to new people every day makes a new recipient
 * unsurprising, one whose payees have not changed in weeks makes a new payee news.
 */
public final class DestinationBook {
    /** Clean sessions that used a destination, and when it was last used (for eviction). */
    static final class Use {
        int sessions;
        long lastSeen;
    }

    Map<String, Use> uses = new HashMap<>();
    LinkedHashSet<String> implicated = new LinkedHashSet<>();
    /** Decayed count of clean sessions that reached at least one destination ... */
    double egressSessions;
    /** ... and of those that reached one never seen before. */
    double novelSessions;
    long decayedTo;

    /** Clean sessions that used {@code destination} (0 when never seen, or implicated). */
    public int cleanSessions(String destination) {
        Use u = uses.get(destination);
        return u == null ? 0 : u.sessions;
    }

    public boolean isKnown(String destination, int quarantineSessions) {
        return !implicated.contains(destination) && cleanSessions(destination) >= quarantineSessions;
    }

    public boolean isImplicated(String destination) {
        return implicated.contains(destination);
    }

    /**
     * Surprisal (bits) of a session reaching a destination never seen before, from the agent's
     * own rate: -log2((novel + 1) / (sessions + 2)). Low while the agent keeps reaching new
     * parties; it rises as its set of destinations settles.
     */
    public double newDestinationSurprisalBits() {
        return -Math.log((novelSessions + 1) / (egressSessions + 2)) / Math.log(2);
    }

    public double egressSessions() {
        return egressSessions;
    }

    public double novelSessions() {
        return novelSessions;
    }

    public int size() {
        return uses.size();
    }

    public Set<String> implicated() {
        return Collections.unmodifiableSet(implicated);
    }

    /** Learns the destinations of one clean session at stream time {@code now}. */
    void learnSession(Collection<String> destinations, long now, BaselinePolicy policy) {
        if (destinations.isEmpty()) {
            return;
        }
        decayTo(now, policy.halfLifeMs());
        boolean novel = false;
        for (String d : destinations) {
            if (implicated.contains(d)) {
                continue;
            }
            Use u = uses.get(d);
            if (u == null) {
                novel = true;
                u = new Use();
                uses.put(d, u);
            }
            u.sessions++;
            u.lastSeen = now;
        }
        egressSessions += 1;
        novelSessions += novel ? 1 : 0;
        evictIfOver(policy.maxValues());
    }

    /** Destinations that a revoking finding named: out of the baseline for good. */
    void implicate(Collection<String> destinations, int max) {
        for (String d : destinations) {
            uses.remove(d);
            implicated.remove(d);
            implicated.add(d);
        }
        while (implicated.size() > max) {
            implicated.remove(implicated.iterator().next());
        }
    }

    /** Vetted by an analyst: not implicated, and known at once (as if used in enough clean sessions). */
    void release(Collection<String> list, long now, BaselinePolicy policy) {
        for (String d : list) {
            implicated.remove(d);
            Use u = uses.computeIfAbsent(d, k -> new Use());
            u.sessions = Math.max(u.sessions, policy.quarantineSessions());
            u.lastSeen = Math.max(u.lastSeen, now);
        }
        evictIfOver(policy.maxValues());
    }

    private void decayTo(long now, long halfLifeMs) {
        if (now <= decayedTo) {
            return;
        }
        if (decayedTo > 0) {
            double f = Math.pow(0.5, (now - decayedTo) / (double) halfLifeMs);
            egressSessions *= f;
            novelSessions *= f;
        }
        decayedTo = now;
    }

    private void evictIfOver(int maxValues) {
        while (uses.size() > maxValues) {
            String oldest = null;
            long oldestSeen = Long.MAX_VALUE;
            for (Map.Entry<String, Use> e : uses.entrySet()) {
                if (e.getValue().lastSeen < oldestSeen) {
                    oldestSeen = e.getValue().lastSeen;
                    oldest = e.getKey();
                }
            }
            uses.remove(oldest);
        }
    }
}
