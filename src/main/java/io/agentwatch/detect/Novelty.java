package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grain;

/**
 * One grain value judged against the baseline: its estimate, and whether it is surprising
 * enough to count. An UNSEEN value counts at the threshold; a value the agent has used needs
 * {@value #RARE_MARGIN_BITS} bits more (eight times less likely), because real agents use
 * some tools, targets and boundaries only now and then, and that is not news: rare is not unseen.
 */
public record Novelty(String grain, String value, Grain.Estimate estimate, boolean notable) {
    public static final double RARE_MARGIN_BITS = 3.0;

    public static Novelty of(Baseline baseline, String grain, String value, double thresholdBits) {
        Grain.Estimate e = baseline.grain(grain).estimate(value);
        double needed = e.unseen() ? thresholdBits : thresholdBits + RARE_MARGIN_BITS;
        return new Novelty(grain, value, e, value != null && e.surprisalBits() >= needed);
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
