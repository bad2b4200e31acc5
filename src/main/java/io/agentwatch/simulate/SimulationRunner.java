package io.agentwatch.simulate;

import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Feeds a simulator into a sink. History goes out as fast as the sink takes it; with pacing, each
 * live event waits until the wall clock has advanced as far past the start of the live phase as
 * the event's time has, so a demo sees events as they "happen".
 */
public final class SimulationRunner {
    /** Longest single sleep, so that a stop request is noticed promptly even at a slow natural pace. */
    private static final Duration SLEEP_SLICE = Duration.ofMillis(200);

    /** Sleeps; a test passes one that advances a fake clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Where the run is: events written so far, the time of the last one, and whether it was live. */
    public record Progress(long events, Instant eventTime, boolean live) {
    }

    private final Clock clock;
    private final Sleeper sleeper;

    public SimulationRunner(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public static SimulationRunner realTime() {
        return new SimulationRunner(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /**
     * Writes the simulator's events to {@code sink} until it has no more or {@code stop} says so,
     * and flushes. Returns the number of events written.
     */
    public long run(Simulator simulator, SimulationSink sink, boolean pace, BooleanSupplier stop,
                    Consumer<Progress> progress) throws IOException, InterruptedException {
        long written = 0;
        Instant wallAtLiveStart = null;
        while (!stop.getAsBoolean() && simulator.hasNext()) {
            TraceEvent event = simulator.next();
            boolean live = !event.time().isBefore(simulator.liveStart());
            if (live && pace) {
                if (wallAtLiveStart == null) {
                    sink.flush();
                    wallAtLiveStart = clock.instant();
                }
                Instant due = wallAtLiveStart.plus(Duration.between(simulator.liveStart(), event.time()));
                if (!waitUntil(due, sink, stop)) {
                    break;
                }
            }
            sink.write(event);
            written++;
            progress.accept(new Progress(written, event.time(), live));
        }
        sink.flush();
        return written;
    }

    /** Flushes what is pending, then sleeps until {@code due}; false when stopped while waiting. */
    private boolean waitUntil(Instant due, SimulationSink sink, BooleanSupplier stop)
            throws IOException, InterruptedException {
        Duration wait = Duration.between(clock.instant(), due);
        if (!wait.isNegative() && !wait.isZero()) {
            sink.flush();
        }
        while (!wait.isNegative() && !wait.isZero()) {
            if (stop.getAsBoolean()) {
                return false;
            }
            sleeper.sleep(wait.compareTo(SLEEP_SLICE) < 0 ? wait : SLEEP_SLICE);
            wait = Duration.between(clock.instant(), due);
        }
        return true;
    }
}
