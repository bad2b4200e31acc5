package io.agentwatch.bench;

import java.time.Duration;

/**
 * The size and shape of one benchmark run.
 *
 * @param agents          simulated agents
 * @param days            days of simulated history in the backlog
 * @param seed            simulator seed
 * @param partitions      partitions of every topic
 * @param threads         stream threads of each Kafka Streams application
 * @param warmupFraction  share of the backlog processed before the throughput clock starts
 * @param rate            offered events per second in the latency phase
 * @param latencyDuration length of the latency phase (live time)
 * @param hijackEvery     live time between two injected hijacks in the latency phase
 * @param replayEvents    events of the backlog replayed offline (0: all)
 */
public record BenchSettings(int agents, int days, long seed, int partitions, int threads,
                            double warmupFraction, double rate, Duration latencyDuration, Duration hijackEvery,
                            long replayEvents) {

    public BenchSettings {
        require(agents >= 2, "--agents must be at least 2");
        require(days >= 1, "--days must be at least 1");
        require(partitions >= 1, "--partitions must be at least 1");
        require(threads >= 1, "--threads must be at least 1");
        require(warmupFraction >= 0 && warmupFraction < 0.9, "--warmup must be in [0, 0.9)");
        require(rate > 0, "--rate must be positive");
        require(!latencyDuration.isNegative(), "--latency-seconds must not be negative");
        require(hijackEvery.toMillis() > 0, "--hijack-every-ms must be positive");
        require(replayEvents >= 0, "--replay-events must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
