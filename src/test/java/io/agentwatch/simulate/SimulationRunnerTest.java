package io.agentwatch.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.trace.TraceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationRunnerTest {
    private static final Instant WALL_START = Instant.parse("2030-06-01T12:00:00Z");
    private static final SimulationSpec SPEC = SimulationSpec.builder().agents(3).historyDays(1).liveRate(20)
            .liveDuration(Duration.ofSeconds(30)).hijackEvery(Duration.ofSeconds(10)).build();

    /** A wall clock that only moves when the runner sleeps. */
    private static final class FakeClock extends Clock {
        Instant now = WALL_START;
        Duration slept = Duration.ZERO;

        void sleep(Duration d) {
            now = now.plus(d);
            slept = slept.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private record Written(TraceEvent event, Instant wall) {
    }

    private static final class RecordingSink implements SimulationSink {
        final List<Written> written = new ArrayList<>();
        final Clock clock;
        int flushes;

        RecordingSink(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void write(TraceEvent event) {
            written.add(new Written(event, clock.instant()));
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldWriteTheHistoryAtOnceAndHoldEachLiveEventUntilItsTime() throws Exception {
        FakeClock clock = new FakeClock();
        RecordingSink sink = new RecordingSink(clock);
        Simulator simulator = new Simulator(SPEC);

        long count = new SimulationRunner(clock, clock::sleep).run(simulator, sink, true, () -> false, p -> { });

        assertThat(count).isEqualTo(sink.written.size());
        for (Written w : sink.written) {
            Duration intoLive = Duration.between(simulator.liveStart(), w.event().time());
            if (intoLive.isNegative()) {
                assertThat(w.wall()).isEqualTo(WALL_START);
            } else {
                assertThat(w.wall()).isEqualTo(WALL_START.plus(intoLive));
            }
        }
        assertThat(clock.slept).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(31));
        assertThat(sink.flushes).isGreaterThan(1);
    }

    @Test
    void shouldNotSleepWithoutPacing() throws Exception {
        FakeClock clock = new FakeClock();
        RecordingSink sink = new RecordingSink(clock);

        long count = new SimulationRunner(clock, clock::sleep).run(new Simulator(SPEC), sink, false, () -> false,
                p -> { });

        assertThat(count).isEqualTo(new Simulator(SPEC).stream().count());
        assertThat(clock.slept).isZero();
    }

    @Test
    void shouldStopWhenAskedAndFlushWhatWasWritten() throws Exception {
        FakeClock clock = new FakeClock();
        RecordingSink sink = new RecordingSink(clock);
        List<SimulationRunner.Progress> progress = new ArrayList<>();

        long count = new SimulationRunner(clock, clock::sleep).run(new Simulator(SPEC.toBuilder().liveDuration(null)
                .build()), sink, true, () -> progress.size() >= 500, progress::add);

        assertThat(count).isEqualTo(500);
        assertThat(progress.get(499).events()).isEqualTo(500);
        assertThat(sink.flushes).isPositive();
    }
}
