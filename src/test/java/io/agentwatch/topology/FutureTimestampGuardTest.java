package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.testing.MonitorHarness;
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

    @Test
    void shouldKeepThePartitionTimeForARecordFarAheadOfTheWallClock() {
        // given
        FutureTimestampGuard guard = new FutureTimestampGuard(MonitorHarness.clockOf(new AtomicLong(NOW)), false, HOUR);

        // then
        assertThat(guard.extract(at(NOW + HOUR), NOW - 5)).isEqualTo(NOW + HOUR);
        assertThat(guard.extract(at(NOW + HOUR + 1), NOW - 5)).isEqualTo(NOW - 5);
        assertThat(guard.extract(at(NOW + 7 * 24 * HOUR), -1)).isEqualTo(NOW);
        assertThat(guard.extract(at(NOW - 24 * HOUR), NOW)).isEqualTo(NOW - 24 * HOUR);
    }

    @Test
    void shouldTakeTheEventTimeOfAnInputEventWhateverTheRecordTimestamp() {
        // given a call that happened an hour ago, sent now by a producer that stamps send time
        FutureTimestampGuard guard = new FutureTimestampGuard(MonitorHarness.clockOf(new AtomicLong(NOW)), false, HOUR);
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
        FutureTimestampGuard guard = new FutureTimestampGuard(MonitorHarness.clockOf(new AtomicLong(0)), true, HOUR);
        assertThat(guard.extract(at(NOW), -1)).isEqualTo(NOW);

        // then the first record of another input is judged against it too
        assertThat(guard.extract(at(NOW + 2 * HOUR), -1)).isEqualTo(NOW);
        assertThat(guard.extract(at(NOW + HOUR), -1)).isEqualTo(NOW + HOUR);
        assertThat(guard.extract(at(NOW + 2 * HOUR), NOW)).isEqualTo(NOW + 2 * HOUR);
    }
}
