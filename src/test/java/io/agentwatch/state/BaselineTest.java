package io.agentwatch.state;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.BaselineState;
import io.agentwatch.model.Call;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BaselineTest {
    private static final long T0 = 1_767_603_600_000L; // Monday 2026-01-05T09:00:00Z
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long MINUTE = 60_000L;

    /** A session of {@code calls} list_folders calls a minute apart starting at {@code start}. */
    private static SessionState session(String id, long start, int calls) {
        SessionState s = new SessionState(MAILER, id, start);
        for (int i = 0; i < calls; i++) {
            s.record(Baselines.call(Events.listFolders(id, "t-" + id), start + i * MINUTE, id + "-" + i), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        }
        return s;
    }

    @Test
    void shouldStayLearningWithEnoughEventsOnTooFewDays() {
        // given
        Baseline b = new Baseline();

        // when 120 clean calls are learned on two days
        b.sessionEnded(session("s1", T0, 60), T0 + DAY / 2, Baselines.DEFAULT_POLICY);
        b.sessionEnded(session("s2", T0 + DAY, 60), T0 + DAY + DAY / 2, Baselines.DEFAULT_POLICY);

        // then
        assertThat(b.learnedEvents()).isEqualTo(120);
        assertThat(b.distinctDays()).isEqualTo(2);
        assertThat(b.state()).isEqualTo(BaselineState.LEARNING);
    }

    @Test
    void shouldStayLearningOnEnoughDaysWithTooFewEvents() {
        // given
        Baseline b = new Baseline();

        // when 3 x 30 calls on three days
        IntStream.range(0, 3).forEach(d -> b.sessionEnded(session("s" + d, T0 + d * DAY, 30), T0 + d * DAY + DAY / 2,
                Baselines.DEFAULT_POLICY));

        // then
        assertThat(b.learnedEvents()).isEqualTo(90);
        assertThat(b.isActive()).isFalse();
    }

    @Test
    void shouldBecomeActiveAfterOneHundredCleanEventsOnThreeDays() {
        // given 90 calls on three days
        Baseline b = new Baseline();
        IntStream.range(0, 3).forEach(d -> b.sessionEnded(session("s" + d, T0 + d * DAY, 30), T0 + d * DAY + DAY / 2,
                Baselines.DEFAULT_POLICY));

        // when ten more come on the fourth
        b.sessionEnded(session("s3", T0 + 3 * DAY, 10), T0 + 3 * DAY + DAY / 2, Baselines.DEFAULT_POLICY);

        // then
        assertThat(b.state()).isEqualTo(BaselineState.ACTIVE);
        assertThat(b.learnedSessions()).isEqualTo(4);
        assertThat(b.distinctDays()).isEqualTo(4);
    }

    @Test
    void shouldLearnEveryGrainOfTheSession() {
        // given a session that reads in corp and replies into customer-mail
        SessionState s = new SessionState(MAILER, "s", T0);
        s.record(Baselines.call(Events.crmLookup("s", "t"), T0, "e1"), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        s.record(Baselines.call(Events.replyToCustomer("s", "t", 1), T0 + MINUTE, "e2"), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        Baseline b = new Baseline();

        // when
        b.sessionEnded(s, T0 + DAY, Baselines.DEFAULT_POLICY);

        // then
        assertThat(b.grain(Grains.TOOL).estimate("crm_lookup").count()).isEqualTo(1);
        assertThat(b.grain(Grains.TOOL_OPERATION).estimate("send_email:SEND").count()).isEqualTo(1);
        assertThat(b.grain(Grains.BOUNDARY).size()).isEqualTo(2);
        assertThat(b.grain(Grains.TRANSITION).estimate("crm_lookup->send_email").count()).isEqualTo(1);
        assertThat(b.grain(Grains.EGRESS).estimate("customer-mail").count()).isEqualTo(1);
        assertThat(b.grain(Grains.RECIPIENT).estimate("mailto:customer-1@customer.example").count()).isEqualTo(1);
        assertThat(b.grain(Grains.FLOW).estimate("corp->customer-mail").count()).isEqualTo(1);
        assertThat(b.grain(Grains.EGRESS).estimate("corp").unseen()).isTrue();
        assertThat(b.maxBoundariesPerSession()).isEqualTo(2);
        assertThat(b.lastLearnedAt()).isEqualTo(T0 + DAY);
    }

    @Test
    void shouldLearnTheUsualNumberOfCallsPerRateWindow() {
        // given sessions of 10 calls a minute apart: windows of 5 calls
        Baseline b = new Baseline();
        b.sessionEnded(session("s0", T0, 10), T0 + DAY / 2, Baselines.DEFAULT_POLICY);
        double earlyDeviation = b.rateDeviation();

        // when
        IntStream.range(1, 4).forEach(d -> b.sessionEnded(session("s" + d, T0 + d * DAY, 10), T0 + d * DAY + DAY / 2,
                Baselines.DEFAULT_POLICY));

        // then the mean is exact from the first window on; the deviation of identical windows shrinks
        // (the first window's distance from the zero start still counts with weight 1/n)
        assertThat(b.rateWindows()).isEqualTo(8);
        assertThat(b.rateMean()).isEqualTo(5.0);
        assertThat(b.rateDeviation()).isLessThan(earlyDeviation).isLessThan(1.0);
    }

    @Test
    void shouldKeepTheNumberOfRememberedDaysBounded() {
        // given
        Baseline b = new Baseline();

        // when a year of daily sessions is learned
        IntStream.range(0, 365).forEach(d -> b.sessionEnded(session("s" + d, T0 + d * DAY, 1), T0 + d * DAY + MINUTE,
                Baselines.DEFAULT_POLICY));

        // then
        assertThat(b.distinctDays()).isEqualTo(64);
        assertThat(b.learnedEvents()).isEqualTo(365);
    }

    @Test
    void shouldKeepEveryGrainWithinMaxValues() {
        // given room for 8 values per grain
        BaselinePolicy small = new BaselinePolicy(100, 3, Duration.ofDays(14).toMillis(), 8, 3);
        Baseline b = new Baseline();
        SessionState s = new SessionState(MAILER, "s", T0);
        IntStream.range(0, 40).forEach(i -> s.record(Baselines.call(
                Events.call(MAILER, "s", "t", "tool-" + i, "target-" + i, "zone-" + i, null), T0 + i * MINUTE, "e" + i), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS));

        // when
        b.sessionEnded(s, T0 + DAY, small);

        // then
        b.grains().forEach((name, g) -> assertThat(g.size()).as(name).isLessThanOrEqualTo(8));
        assertThat(b.grain(Grains.TOOL).size()).isEqualTo(8);
    }

    @Test
    void shouldMakeOldHabitsFadeWithTheHalfLife() {
        // given a tool used on day 0, and a policy with a one-day half-life
        BaselinePolicy fast = new BaselinePolicy(100, 3, DAY, 256, 3);
        Baseline b = new Baseline();
        b.sessionEnded(session("old", T0, 20), T0, fast);

        // when two days later another session is learned
        SessionState later = new SessionState(MAILER, "new", T0 + 2 * DAY);
        later.record(Baselines.call(Events.crmLookup("new", "t"), T0 + 2 * DAY, "n1"), SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
        b.sessionEnded(later, T0 + 2 * DAY, fast);

        // then the old tool's count fell to a quarter
        Call any = Baselines.call(Events.listFolders("x", "t"), T0, "x");
        assertThat(b.grain(Grains.TOOL).estimate(any.tool()).count()).isEqualTo(5.0);
        assertThat(b.grain(Grains.TOOL).total()).isEqualTo(6.0);
    }
}
