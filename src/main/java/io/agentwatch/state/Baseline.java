package io.agentwatch.state;

import io.agentwatch.avro.BaselineState;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an agent normally does, learned only from sessions that ended clean. Per grain,
 * decayed counts with a bounded number of values; the destinations its calls reached (learned
 * through a quarantine, see {@link DestinationBook}); the distribution of calls per rate window
 * (EWMA and mean absolute deviation); the most boundaries a clean session touched. LEARNING
 * until enough clean calls on enough distinct days.
 */
public final class Baseline {
    /** Keeps at most this many distinct days; only their number matters, for learning. */
    private static final int MAX_DAYS = 64;

    Map<String, Grain> grains = new TreeMap<>();
    DestinationBook destinations = new DestinationBook();
    long learnedEvents;
    long learnedSessions;
    TreeSet<Long> days = new TreeSet<>();
    boolean active;
    long lastLearnedAt;
    double rateMean;
    double rateDeviation;
    long rateWindows;
    int maxBoundariesPerSession;

    public Grain grain(String name) {
        return grains.computeIfAbsent(name, k -> new Grain());
    }

    public DestinationBook destinations() {
        return destinations;
    }

    public BaselineState state() {
        return active ? BaselineState.ACTIVE : BaselineState.LEARNING;
    }

    public boolean isActive() {
        return active;
    }

    public long learnedEvents() {
        return learnedEvents;
    }

    public long learnedSessions() {
        return learnedSessions;
    }

    public int distinctDays() {
        return days.size();
    }

    public long lastLearnedAt() {
        return lastLearnedAt;
    }

    public double rateMean() {
        return rateMean;
    }

    public double rateDeviation() {
        return rateDeviation;
    }

    public long rateWindows() {
        return rateWindows;
    }

    public int maxBoundariesPerSession() {
        return maxBoundariesPerSession;
    }

    public Map<String, Grain> grains() {
        return grains;
    }

    /**
     * What a session teaches when it ends at stream time {@code now}: everything if it ended
     * clean (no HIGH finding), otherwise only that the destinations its revoking findings named
     * are implicated.
     */
    public void sessionEnded(SessionState s, long now, BaselinePolicy policy) {
        if (!s.response().isLearnable()) {
            destinations.implicate(s.response().implicated(), policy.maxValues());
            if (s.response().confirmedByAnalyst()) {
                // a confirmed attack: none of the parties it reached may ever look normal
                destinations.implicate(s.learning().destinations(), policy.maxValues());
            }
            return;
        }
        if (s.learning().forgotten()) {
            return;
        }
        s.learning().values().forEach((grainName, counts) -> {
            Grain g = grain(grainName);
            counts.forEach((value, n) -> g.learn(value, n, now, policy.halfLifeMs(), policy.maxValues()));
        });
        destinations.learnSession(s.learning().destinations(), now, policy);
        learnedEvents += s.activity().events();
        learnedSessions++;
        days.addAll(s.learning().days());
        while (days.size() > MAX_DAYS) {
            days.pollFirst();
        }
        s.activity().rateWindowCounts().forEach(this::learnRate);
        maxBoundariesPerSession = Math.max(maxBoundariesPerSession, s.activity().boundaryCount());
        lastLearnedAt = now;
        if (!active && learnedEvents >= policy.minEvents() && days.size() >= policy.minDays()) {
            active = true;
        }
    }

    /** An analyst confirmed an attack that reached these destinations: never learn them (until a reset). */
    public void implicate(Collection<String> list, BaselinePolicy policy) {
        destinations.implicate(list, policy.maxValues());
    }

    /**
     * An analyst said the finding that withheld these destinations was wrong (or the behaviour
     * sanctioned): they are no longer implicated and count as known, as if past their quarantine.
     */
    public void release(Collection<String> list, long now, BaselinePolicy policy) {
        destinations.release(list, now, policy);
    }

    /** EWMA with a weight that starts at 1/n so the first windows are not drowned by the zero start. */
    private void learnRate(int count) {
        rateWindows++;
        double alpha = Math.max(0.05, 1.0 / rateWindows);
        double deviation = Math.abs(count - rateMean);
        rateMean += alpha * (count - rateMean);
        rateDeviation += alpha * (deviation - rateDeviation);
    }
}
