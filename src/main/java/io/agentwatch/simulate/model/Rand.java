package io.agentwatch.simulate.model;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The simulator's only source of randomness. {@link Random} and {@link StrictMath} because both
 * are specified bit for bit, so a seed gives byte-identical traces on any JVM and platform.
 */
public final class Rand {
    private final Random random;

    public Rand(long seed) {
        random = new Random(seed);
    }

    /** A seed for an independent stream (one per agent), so adding an agent does not reshuffle the others. */
    public static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** Uniform integer in [lo, hi], both included. */
    public int between(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** Exponential waiting time with the given mean, in the mean's unit. */
    public double exponential(double mean) {
        return -mean * StrictMath.log(1 - random.nextDouble());
    }

    /**
     * A log-normal duration: most values near the median, a long tail (a slow tool, a model that
     * thinks longer), which is what the gaps between an agent's calls look like.
     */
    public Duration lognormal(Duration median, double spread) {
        double ms = median.toMillis() * StrictMath.exp(spread * random.nextGaussian());
        return Duration.ofMillis(Math.max(1, Math.round(ms)));
    }

    public Duration millisBetween(long lo, long hi) {
        return Duration.ofMillis(lo + (long) (random.nextDouble() * (hi - lo)));
    }

    /** Collections.shuffle documents its algorithm, so the order is reproducible too. */
    public void shuffle(List<?> items) {
        Collections.shuffle(items, random);
    }
}
