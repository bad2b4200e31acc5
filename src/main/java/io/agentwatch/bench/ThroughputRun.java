package io.agentwatch.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One Kafka Streams application catching up on the backlog: the clock starts once the warm-up
 * share of the backlog is processed (JIT, caches, task assignment behind it) and stops when all
 * of it is. Events are counted where the application accepts them, so a slow start or a rebalance
 * before the warm-up mark does not count.
 */
final class ThroughputRun {
    /** The application stopped making progress: the benchmark fails rather than waiting for ever. */
    private static final Duration STALL = Duration.ofMinutes(3);

    /** One application's figures; {@code cpuCores} is CPU time over wall time of this process. */
    record Result(String name, long events, double seconds, double eventsPerSecond, double cpuSeconds,
                  double eventsPerCpuSecond, long peakHeapBytes, long peakRssBytes) {
        double cpuCores() {
            return cpuSeconds / seconds;
        }
    }

    private ThroughputRun() {
    }

    /**
     * Starts {@code streams} and returns once {@code processed} has reached {@code total}; the
     * application keeps running (the caller closes it).
     */
    static Result measure(String name, KafkaStreams streams, LongSupplier processed, long total, long warmup,
                          ProcessStats stats, Consumer<String> progress) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        long launched = System.nanoTime();
        streams.start();
        long startNanos = 0;
        long startCpu = 0;
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        long lastReport = System.nanoTime();
        while (true) {
            long n = processed.getAsLong();
            long now = System.nanoTime();
            if (failure.get() != null) {
                throw new IllegalStateException(name + ": Kafka Streams failed: " + failure.get().getMessage(),
                        failure.get());
            }
            if (startNanos == 0 && n >= warmup) {
                startNanos = now;
                startCpu = ProcessStats.cpuNanos();
                stats.resetPeaks();
            }
            if (n >= total) {
                double seconds = (now - startNanos) / 1e9;
                double cpu = (ProcessStats.cpuNanos() - startCpu) / 1e9;
                long measured = n - warmup;
                return new Result(name, measured, seconds, measured / seconds, cpu, measured / cpu,
                        stats.peakHeap(), stats.peakRss());
            }
            if (n != lastCount) {
                lastCount = n;
                lastProgress = now;
            } else if (now - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException(name + ": no progress for " + STALL.toMinutes() + " minutes at " + n
                        + " of " + total + " events (state " + streams.state() + ")");
            }
            if (now - lastReport > 10_000_000_000L) {
                lastReport = now;
                progress.accept(String.format("%s: %,d of %,d events (%.0f s)", name, n, total,
                        (now - launched) / 1e9));
            }
            Thread.sleep(20);
        }
    }
}
