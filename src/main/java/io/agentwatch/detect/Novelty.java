package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grain;

/**
 * One grain value judged against the baseline: its estimate, and whether it is surprising
 * enough (at or above the threshold in bits) to count as UNSEEN or RARE. A seen value is RARE
 * only while the agent has used it about once ({@link #RARE_MAX_COUNT} decayed sightings): a
 * value used once, or only long ago, is weak evidence of habit; a value used again and again
 * is a habit, whatever its share of a busy grain. Without that, every value of a grain with
 * more than 2^threshold regular values, or sharing its grain with much more frequent ones
 * (five regular recipients among the inbox and CRM reads of a mailer), would be "rare" on
 * every use.
 */
public record Novelty(String grain, String value, Grain.Estimate estimate, boolean notable) {
    /** Decayed sightings below which a seen value can still be RARE. */
    public static final double RARE_MAX_COUNT = 2.0;

    public static Novelty of(Baseline baseline, String grain, String value, double thresholdBits) {
        Grain.Estimate e = baseline.grain(grain).estimate(value);
        boolean rare = e.unseen() || e.count() < RARE_MAX_COUNT;
        return new Novelty(grain, value, e, value != null && rare && e.surprisalBits() >= thresholdBits);
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
