package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grain;

/**
 * One grain value judged against the baseline: its estimate, and whether it is surprising
 * enough to count. An UNSEEN value counts at the threshold. A seen value is RARE only while
 * the agent has used it about once ({@link #RARE_MAX_COUNT} decayed sightings: once, or only
 * long ago) and only {@value #RARE_MARGIN_BITS} bits above the threshold (eight times less
 * likely than an unseen value needs to be): a value used again and again is a habit, whatever
 * its share of a busy grain, and real agents use some tools, targets and boundaries only now
 * and then, which is not news. Rare is not unseen.
 */
public record Novelty(String grain, String value, Grain.Estimate estimate, boolean notable) {
    /** Decayed sightings below which a seen value can still be RARE. */
    public static final double RARE_MAX_COUNT = 2.0;
    /** Extra surprisal a seen value needs over an unseen one to count. */
    public static final double RARE_MARGIN_BITS = 3.0;

    public static Novelty of(Baseline baseline, String grain, String value, double thresholdBits) {
        return of(baseline.grain(grain), grain, value, thresholdBits);
    }

    /** {@code value} judged against one grain's counts, reported under the name {@code grain}. */
    public static Novelty of(Grain counts, String grain, String value, double thresholdBits) {
        Grain.Estimate e = counts.estimate(value);
        boolean notable = e.unseen() ? e.surprisalBits() >= thresholdBits
                : e.count() < RARE_MAX_COUNT && e.surprisalBits() >= thresholdBits + RARE_MARGIN_BITS;
        return new Novelty(grain, value, e, value != null && notable);
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
