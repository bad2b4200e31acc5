package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.state.Baseline;
import io.agentwatch.state.Grains;
import io.agentwatch.state.SessionState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NoveltyTest {
    private static final long T0 = 1_767_603_600_000L;
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final double THRESHOLD = 4.0;

    /** 30 days of replies to five regular customers (12 a day); on day 0 also one to an old contact. */
    private static Baseline baseline() {
        Baseline b = new Baseline();
        for (int d = 0; d < 30; d++) {
            SessionState s = new SessionState(MAILER, "s" + d, T0 + d * DAY);
            for (int i = 0; i < 12; i++) {
                s.record(Baselines.call(Events.replyToCustomer("s" + d, "t", i % 5), T0 + d * DAY + i * 60_000L,
                        "e" + d + "-" + i), io.agentwatch.state.SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
            }
            if (d == 0) {
                s.record(Baselines.call(Events.sendTo("s0", "t", "send_email", "mailto:old@contact.example",
                        "customer-mail"), T0 + 20 * 60_000L, "e-old"), io.agentwatch.state.SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
            }
            b.sessionEnded(s, T0 + d * DAY + 3_600_000L, Baselines.DEFAULT_POLICY);
        }
        return b;
    }

    @Test
    void shouldCallAValueNeverSeenUnseen() {
        // when
        Novelty n = Novelty.of(baseline(), Grains.RECIPIENT, "mailto:attacker@evil.example", THRESHOLD);

        // then
        assertThat(n.notable()).isTrue();
        assertThat(n.verdict()).isEqualTo("UNSEEN");
        assertThat(n.toObservation().getCount()).isZero();
    }

    @Test
    void shouldCallAValueSeenOnceLongAgoRareWhenItClearsTheRareMargin() {
        // given the value's surprisal, and thresholds just below and just above what RARE needs
        double bits = Novelty.of(baseline(), Grains.RECIPIENT, "mailto:old@contact.example", THRESHOLD).bits();
        double passing = bits - Novelty.RARE_MARGIN_BITS - 0.01;
        double failing = bits - Novelty.RARE_MARGIN_BITS + 0.01;

        // when
        Novelty rare = Novelty.of(baseline(), Grains.RECIPIENT, "mailto:old@contact.example", passing);
        Novelty notRareEnough = Novelty.of(baseline(), Grains.RECIPIENT, "mailto:old@contact.example", failing);

        // then: seen once a month ago, it is RARE only with the extra margin over an unseen value
        assertThat(rare.notable()).isTrue();
        assertThat(rare.verdict()).isEqualTo("RARE");
        assertThat(rare.describe()).startsWith("RARE recipient mailto:old@contact.example");
        assertThat(notRareEnough.notable()).isFalse();
    }

    @Test
    void shouldNotCallAValueSeenEveryDayRare() {
        // when
        Novelty n = Novelty.of(baseline(), Grains.RECIPIENT, "mailto:customer-1@customer.example", THRESHOLD);

        // then
        assertThat(n.notable()).isFalse();
    }

    @Test
    void shouldNotCallAValueUsedAgainAndAgainRareEvenWhenOtherValuesDominateTheGrain() {
        // given a target used twice a day for four days among 200 calls a day to one other target
        Baseline b = new Baseline();
        for (int d = 0; d < 4; d++) {
            SessionState s = new SessionState(MAILER, "s" + d, T0 + d * DAY);
            for (int i = 0; i < 202; i++) {
                var call = i < 2 ? Events.replyToCustomer("s" + d, "t", 7) : Events.listFolders("s" + d, "t");
                s.record(Baselines.call(call, T0 + d * DAY + i * 1000L, "e" + d + "-" + i), io.agentwatch.state.SessionActivity.Novelties.NONE, Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
            }
            b.sessionEnded(s, T0 + d * DAY + 3_600_000L, Baselines.DEFAULT_POLICY);
        }

        // when
        Novelty n = Novelty.of(b, Grains.TARGET, "mailto:customer-7@customer.example", THRESHOLD);

        // then: 8 of ~800 is 6.6 bits, yet a habit
        assertThat(n.bits()).isGreaterThan(THRESHOLD);
        assertThat(n.notable()).isFalse();
    }

    @Test
    void shouldNotCallAnythingNotableWithoutAValue() {
        // when
        Novelty n = Novelty.of(baseline(), Grains.TARGET, null, THRESHOLD);

        // then
        assertThat(n.notable()).isFalse();
    }
}
