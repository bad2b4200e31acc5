package io.agentwatch.state;

import io.agentwatch.avro.BaselineState;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an agent normally does, learned only from sessions that ended clean. Per grain,
 * decayed counts with a bounded number of values; the distribution of calls per rate window
 * (EWMA and mean absolute deviation); the most boundaries a clean session touched. LEARNING
 * until enough clean calls on enough distinct days.
 */
public final class Baseline {
    /** The grains, named as they appear in findings' observations. */
    public static final String TOOL = "tool";
    public static final String TOOL_OPERATION = "tool_operation";
    public static final String BOUNDARY = "boundary";
    public static final String TARGET = "target";
    public static final String TRANSITION = "transition";
    /** Boundaries the agent wrote, sent or executed into. */
    public static final String EGRESS = "egress";
    /** Targets of those writes and sends: recipients, sinks. */
    public static final String RECIPIENT = "recipient";
    /** Sensitive-read boundary to egress boundary pairs ("corp->customer-mail"). */
    public static final String FLOW = "flow";

    /** Keeps at most this many distinct days; only their number matters, for learning. */
    private static final int MAX_DAYS = 64;

    Map<String, Grain> grains = new TreeMap<>();
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

    /** Learns a session that ended clean, at stream time {@code now}. */
    public void learn(SessionState s, long now, BaselinePolicy policy) {
        s.pending.forEach((grainName, counts) -> counts.forEach((value, n) ->
                grain(grainName).learn(value, n, now, policy.halfLifeMs(), policy.maxValues())));
        learnedEvents += s.events;
        learnedSessions++;
        days.addAll(s.days);
        while (days.size() > MAX_DAYS) {
            days.pollFirst();
        }
        s.rateWindowCounts().forEach(this::learnRate);
        maxBoundariesPerSession = Math.max(maxBoundariesPerSession, s.boundaryCount());
        lastLearnedAt = now;
        if (!active && learnedEvents >= policy.minEvents() && days.size() >= policy.minDays()) {
            active = true;
        }
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
