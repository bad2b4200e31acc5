package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grain;

/**
 * One grain value judged against the baseline: its estimate, and whether it is surprising
 * enough (at or above the threshold in bits) to count as UNSEEN or RARE. A seen value is RARE
 * only when the agent is no likelier to use it than to use a value it never used (its
 * probability is at most the unseen mass): otherwise every value of a grain with more than
 * 2^threshold regular values (sixteen customers replied to every day) would be "rare" on
 * every use, however often it was seen.
 */
public record Novelty(String grain, String value, Grain.Estimate estimate, boolean notable) {

    public static Novelty of(Baseline baseline, String grain, String value, double thresholdBits) {
        Grain g = baseline.grain(grain);
        Grain.Estimate e = g.estimate(value);
        boolean asRareAsUnseen = e.unseen() || e.probability() <= g.estimate(null).probability();
        return new Novelty(grain, value, e, value != null && asRareAsUnseen && e.surprisalBits() >= thresholdBits);
    }

    public boolean unseen() {
        return estimate.unseen();
    }

    public double bits() {
        return estimate.surprisalBits();
    }

    public String verdict() {
        return unseen() ? "UNSEEN" : "RARE";
    }

    public Observation toObservation() {
        return Observation.newBuilder()
                .setGrain(grain).setValue(value).setVerdict(verdict())
                .setCount(estimate.count()).setTotal(estimate.total()).setDistinct(estimate.distinct())
                .setProbability(estimate.probability()).setSurprisalBits(estimate.surprisalBits())
                .build();
    }

    /** "UNSEEN boundary paste.example (0 of 412 calls, 3 values known)". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s %s %s (%.0f of %.0f, %d known)", verdict(), grain, value,
                estimate.count(), estimate.total(), estimate.distinct());
    }
}
