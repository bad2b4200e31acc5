package io.agentwatch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.agentwatch.testing.Baselines;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationBookTest {
    private static final long T0 = 1_767_603_600_000L;
    private final BaselinePolicy policy = Baselines.DEFAULT_POLICY;

    @Test
    void shouldKnowADestinationOnlyAfterTheQuarantineOfCleanSessions() {
        // given
        DestinationBook book = new DestinationBook();

        // when a new address is used in one, two, then three clean sessions
        book.learnSession(List.of("new@x.example"), T0, policy);
        boolean afterOne = book.isKnown("new@x.example", policy.quarantineSessions());
        book.learnSession(List.of("new@x.example"), T0 + 1, policy);
        boolean afterTwo = book.isKnown("new@x.example", policy.quarantineSessions());
        book.learnSession(List.of("new@x.example"), T0 + 2, policy);

        // then
        assertThat(afterOne).isFalse();
        assertThat(afterTwo).isFalse();
        assertThat(book.isKnown("new@x.example", policy.quarantineSessions())).isTrue();
        assertThat(book.cleanSessions("new@x.example")).isEqualTo(3);
    }

    @Test
    void shouldNeverLearnAnImplicatedDestination() {
        // given a destination a revoke named
        DestinationBook book = new DestinationBook();
        book.learnSession(List.of("drop@attacker.example"), T0, policy);
        book.implicate(List.of("drop@attacker.example"), 256);

        // when clean sessions use it again and again
        for (int i = 1; i <= 10; i++) {
            book.learnSession(List.of("drop@attacker.example"), T0 + i, policy);
        }

        // then
        assertThat(book.isImplicated("drop@attacker.example")).isTrue();
        assertThat(book.cleanSessions("drop@attacker.example")).isZero();
        assertThat(book.isKnown("drop@attacker.example", 1)).isFalse();
    }

    @Test
    void shouldMeasureHowOftenCleanSessionsReachANewDestination() {
        // given 2 sessions that reached new parties and 8 that reached known ones, all at once
        DestinationBook book = new DestinationBook();
        book.learnSession(List.of("a@x.example"), T0, policy);
        book.learnSession(List.of("b@x.example"), T0, policy);
        for (int i = 0; i < 8; i++) {
            book.learnSession(List.of(i % 2 == 0 ? "a@x.example" : "b@x.example"), T0, policy);
        }

        // then surprisal = -log2((2 + 1) / (10 + 2)) = 2 bits
        assertThat(book.newDestinationSurprisalBits()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void shouldKeepAtMostTheConfiguredNumberOfDestinationsDroppingTheLeastRecent() {
        // given
        DestinationBook book = new DestinationBook();
        BaselinePolicy small = new BaselinePolicy(100, 3, policy.halfLifeMs(), 8, 3);

        // when
        for (int i = 0; i < 20; i++) {
            book.learnSession(List.of("d" + i + "@x.example"), T0 + i, small);
        }
        book.implicate(List.of("i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9", "i10"), 8);

        // then
        assertThat(book.size()).isEqualTo(8);
        assertThat(book.cleanSessions("d19@x.example")).isEqualTo(1);
        assertThat(book.cleanSessions("d0@x.example")).isZero();
        assertThat(book.implicated()).hasSize(8).contains("i10").doesNotContain("i1");
    }
}
