package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.testing.MonitorHarness;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class FutureTimestampGuardTest {
    private static final long NOW = MonitorHarness.START.toEpochMilli();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private static ConsumerRecord<Object, Object> at(long timestamp) {
        return new ConsumerRecord<>("t", 0, 0, timestamp, TimestampType.CREATE_TIME, 0, 0, null, null,
                new RecordHeaders(), java.util.Optional.empty());
    }

    private static FutureTimestampGuard live(long wallClock) {
        Clock clock = MonitorHarness.clockOf(new AtomicLong(wallClock));
        return new FutureTimestampGuard(new EventTimeRule(clock, false, Duration.ofMillis(HOUR)), clock);
    }

    /** A replay whose trace clock reads 0 and that runs on a machine whose clock reads {@code machineClock}. */
    private static FutureTimestampGuard replay(long machineClock) {
        return new FutureTimestampGuard(new EventTimeRule(MonitorHarness.clockOf(new AtomicLong(machineClock)), true,
                Duration.ofMillis(HOUR)), MonitorHarness.clockOf(new AtomicLong(0)));
    }

    @Test
    void shouldKeepThePartitionTimeForARecordFarAheadOfTheWallClock() {
        // given
        FutureTimestampGuard guard = live(NOW);

        // then
        assertThat(guard.extract(at(NOW + HOUR), NOW - 5)).isEqualTo(NOW + HOUR);
        assertThat(guard.extract(at(NOW + HOUR + 1), NOW - 5)).isEqualTo(NOW - 5);
        assertThat(guard.extract(at(NOW + 7 * 24 * HOUR), -1)).isEqualTo(NOW);
        assertThat(guard.extract(at(NOW - 24 * HOUR), NOW)).isEqualTo(NOW - 24 * HOUR);
    }

    @Test
    void shouldTakeTheEventTimeOfAnInputEventWhateverTheRecordTimestamp() {
        // given a call that happened an hour ago, sent now by a producer that stamps send time
        FutureTimestampGuard guard = live(NOW);
        io.agentwatch.avro.ToolCall call = io.agentwatch.testing.Events.call(io.agentwatch.testing.Events.MAILER,
                "s", "t", "read_inbox").setEventId("e-1").setOccurredAt(java.time.Instant.ofEpochMilli(NOW - HOUR)).build();
        ConsumerRecord<Object, Object> record = new ConsumerRecord<>("t", 0, 0, NOW, TimestampType.CREATE_TIME, 0, 0,
                null, call, new RecordHeaders(), java.util.Optional.empty());

        // then
        assertThat(guard.extract(record, NOW - 2 * HOUR)).isEqualTo(NOW - HOUR);
    }

    @Test
    void shouldJudgeReplayAgainstTheLatestTimeAcceptedOnAnyInput() {
        // given a replay that accepted a record at NOW on one input
        FutureTimestampGuard guard = replay(NOW);
        assertThat(guard.extract(at(NOW), -1)).isEqualTo(NOW);

        // then the first record of another input is judged against it too
        assertThat(guard.extract(at(NOW + 2 * HOUR), -1)).isEqualTo(NOW);
        assertThat(guard.extract(at(NOW + HOUR), -1)).isEqualTo(NOW + HOUR);
        assertThat(guard.extract(at(NOW + 2 * HOUR), NOW)).isEqualTo(NOW + 2 * HOUR);
    }

    @Test
    void shouldNeverGiveARecordBeforeTheEpochANegativeTimestamp() {
        // given: Kafka Streams drops a record with a negative timestamp, leaving only a log line
        FutureTimestampGuard live = live(NOW);
        FutureTimestampGuard replay = replay(NOW);

        // then it keeps the partition's time, or the wall clock / 0 before there is one
        assertThat(live.extract(at(-5), NOW - 5)).isEqualTo(NOW - 5);
        assertThat(live.extract(at(-5), -1)).isEqualTo(NOW);
        assertThat(replay.extract(at(Long.MIN_VALUE), -1)).isZero();
    }

    @Test
    void shouldNotLetTheFirstRecordOfAReplayJumpFarAheadOfTheMachinesClock() {
        // given a replay on a machine whose clock reads NOW, and nothing accepted yet
        FutureTimestampGuard guard = replay(NOW);

        // when the first record is stamped at Long.MAX_VALUE, then in year 9999
        long maxValue = guard.extract(at(Long.MAX_VALUE), -1);
        long year9999 = guard.extract(at(java.time.Instant.parse("9999-01-01T00:00:00Z").toEpochMilli()), maxValue);

        // then neither moves stream time, and the trace's own time is accepted after them
        assertThat(maxValue).isZero();
        assertThat(year9999).isZero();
        assertThat(guard.extract(at(NOW - 30 * 24 * HOUR), 0)).isEqualTo(NOW - 30 * 24 * HOUR);
    }
}
