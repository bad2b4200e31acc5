package io.agentwatch.state;

import java.util.HashMap;
import java.util.Map;

/**
 * Decayed frequencies of the values of one grain (tools, targets, ...) for one agent. The
 * probability of a value is estimated Good-Turing style: unseen values together get the share
 * of the values seen about once (singletons: decayed count below {@value #SINGLETON_BELOW}),
 * which is the agent's own current rate of new values; seen values share the rest in proportion
 * to their counts. Counting distinct values ever seen instead would keep the unseen mass high
 * forever for an agent with a broad but stable vocabulary.
 *
 * All counts decay together, so probabilities need no decay at read time; decay is applied
 * when the grain learns, which is when recent sessions must start to outweigh old ones.
 */
public final class Grain {
    /** A value whose decayed count is below this was, in effect, seen once. */
    static final double SINGLETON_BELOW = 1.5;

    /** Decayed count per value, and when each was last seen (for least-recently-seen eviction). */
    Map<String, double[]> values = new HashMap<>();
    double total;
    /** Values seen about once: kept up to date by learning, recounted when decay moves counts below the mark. */
    int singletons;
    long decayedTo;

    /** One grain value's estimate; probability and surprisal are what the detectors compare. */
    public record Estimate(double count, double total, int distinct, double probability, double surprisalBits) {
        public boolean unseen() {
            return count == 0;
        }
    }

    public Estimate estimate(String value) {
        double unseenMass = (singletons + 1) / (total + 2);
        double unseenBits = bits(unseenMass);
        double[] entry = value == null ? null : values.get(value);
        if (entry == null) {
            return new Estimate(0, total, values.size(), unseenMass, unseenBits);
        }
        double p = (1 - unseenMass) * entry[0] / total;
        // A value seen once long ago is at most as surprising as one never seen.
        double bits = Math.min(unseenBits, bits(p));
        return new Estimate(entry[0], total, values.size(), Math.max(p, unseenMass), bits);
    }

    private static double bits(double p) {
        return -Math.log(p) / Math.log(2);
    }

    /** Adds {@code count} sightings of {@code value} at stream time {@code now}. */
    void learn(String value, int count, long now, long halfLifeMs, int maxValues) {
        decayTo(now, halfLifeMs);
        double[] entry = values.get(value);
        if (entry == null) {
            values.put(value, new double[] {count, now});
            singletons += count < SINGLETON_BELOW ? 1 : 0;
            evictIfOver(maxValues);
        } else {
            boolean wasSingleton = entry[0] < SINGLETON_BELOW;
            entry[0] += count;
            entry[1] = now;
            singletons -= wasSingleton && entry[0] >= SINGLETON_BELOW ? 1 : 0;
        }
        total += count;
    }

    private void decayTo(long now, long halfLifeMs) {
        if (now <= decayedTo) {
            return;
        }
        if (decayedTo > 0) {
            double f = Math.pow(0.5, (now - decayedTo) / (double) halfLifeMs);
            total *= f;
            values.values().forEach(e -> e[0] *= f);
            singletons = (int) values.values().stream().filter(e -> e[0] < SINGLETON_BELOW).count();
        }
        decayedTo = now;
    }

    private void evictIfOver(int maxValues) {
        while (values.size() > maxValues) {
            String oldest = null;
            double oldestSeen = Double.MAX_VALUE;
            for (Map.Entry<String, double[]> e : values.entrySet()) {
                if (e.getValue()[1] < oldestSeen) {
                    oldestSeen = e.getValue()[1];
                    oldest = e.getKey();
                }
            }
            double removed = values.remove(oldest)[0];
            total -= removed;
            singletons -= removed < SINGLETON_BELOW ? 1 : 0;
        }
    }

    public int size() {
        return values.size();
    }

    public double total() {
        return total;
    }

    /** Values by decayed count, highest first, for summaries. */
    public java.util.List<Map.Entry<String, Double>> top(int n) {
        return values.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue()[0]))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(n).toList();
    }
}
