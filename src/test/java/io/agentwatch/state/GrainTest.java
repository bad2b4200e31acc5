package io.agentwatch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GrainTest {
    private static final long T0 = 1_767_603_600_000L; // 2026-01-05T09:00:00Z
    private static final long HALF_LIFE = Duration.ofDays(14).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void shouldGiveUnseenValuesTheMassOfTheValuesSeenAboutOnce() {
        // given two values seen ten times each and one seen once
        Grain g = new Grain();
        g.learn("a", 10, T0, HALF_LIFE, 256);
        g.learn("b", 10, T0, HALF_LIFE, 256);
        g.learn("c", 1, T0, HALF_LIFE, 256);

        // when
        Grain.Estimate unseen = g.estimate("d");

        // then (1 singleton + 1) / (21 sightings + 2)
        assertThat(unseen.unseen()).isTrue();
        assertThat(unseen.probability()).isCloseTo(2.0 / 23, within(1e-12));
        assertThat(unseen.surprisalBits()).isCloseTo(Math.log(23 / 2.0) / Math.log(2), within(1e-12));
        assertThat(unseen.total()).isEqualTo(21);
        assertThat(unseen.distinct()).isEqualTo(3);
    }

    @Test
    void shouldFindANewValueSurprisingForABroadButStableVocabulary() {
        // given one agent that uses the same 50 values again and again, and one that keeps using new ones
        Grain stable = new Grain();
        Grain changing = new Grain();
        IntStream.range(0, 200).forEach(i -> stable.learn("v" + (i % 50), 1, T0 + i, HALF_LIFE, 256));
        IntStream.range(0, 200).forEach(i -> changing.learn("v" + i, 1, T0 + i, HALF_LIFE, 256));

        // when
        double stableBits = stable.estimate("new").surprisalBits();
        double changingBits = changing.estimate("new").surprisalBits();

        // then: the number of values ever seen (50) no longer keeps the unseen mass high
        assertThat(stableBits).isGreaterThan(7);
        assertThat(changingBits).isLessThan(0.1);
    }

    @Test
    void shouldCountAValueAsASingletonAgainOnceItsCountHasDecayed() {
        // given a value seen five times, then nothing for three half-lives
        Grain g = new Grain();
        g.learn("old", 5, T0, HALF_LIFE, 256);
        g.learn("usual", 100, T0, HALF_LIFE, 256);
        double before = g.estimate("new").surprisalBits();

        // when
        g.learn("usual", 1, T0 + 3 * HALF_LIFE, HALF_LIFE, 256);

        // then: 5 decayed to 0.625, seen about once, so new values are less surprising than before
        assertThat(g.singletons).isEqualTo(1);
        assertThat(g.estimate("new").surprisalBits()).isLessThan(before);
    }

    @Test
    void shouldGiveSeenValuesProbabilitiesInProportionToTheirCounts() {
        // given
        Grain g = new Grain();
        g.learn("often", 30, T0, HALF_LIFE, 256);
        g.learn("sometimes", 10, T0, HALF_LIFE, 256);

        // when
        Grain.Estimate often = g.estimate("often");
        Grain.Estimate sometimes = g.estimate("sometimes");

        // then
        assertThat(often.probability()).isCloseTo(3 * sometimes.probability(), within(1e-12));
        assertThat(often.surprisalBits()).isLessThan(sometimes.surprisalBits());
        assertThat(often.count()).isEqualTo(30);
    }

    @Test
    void shouldNeverFindAValueSeenLongAgoMoreSurprisingThanAnUnseenOne() {
        // given a value seen once, then a thousand sightings of another two months later
        Grain g = new Grain();
        g.learn("seen-once-long-ago", 1, T0, HALF_LIFE, 256);
        g.learn("usual", 1000, T0 + 60 * DAY, HALF_LIFE, 256);

        // when
        Grain.Estimate old = g.estimate("seen-once-long-ago");
        Grain.Estimate never = g.estimate("never-seen");

        // then
        assertThat(old.unseen()).isFalse();
        assertThat(old.count()).isLessThan(0.1);
        assertThat(old.surprisalBits()).isLessThanOrEqualTo(never.surprisalBits());
    }

    @Test
    void shouldHalveEveryCountAfterOneHalfLife() {
        // given
        Grain g = new Grain();
        g.learn("a", 10, T0, HALF_LIFE, 256);

        // when one half-life later a new value is learned
        g.learn("b", 1, T0 + HALF_LIFE, HALF_LIFE, 256);

        // then
        assertThat(g.estimate("a").count()).isCloseTo(5, within(1e-9));
        assertThat(g.estimate("b").count()).isEqualTo(1);
        assertThat(g.total()).isCloseTo(6, within(1e-9));
    }

    @Test
    void shouldDecayTheRateOfNewValuesWithTheCounts() {
        // given two new values, then many sightings of known values four half-lives later
        Grain g = new Grain();
        g.learn("a", 1, T0, HALF_LIFE, 256);
        g.learn("b", 1, T0, HALF_LIFE, 256);
        double before = g.estimate("new").probability();

        // when
        g.learn("a", 50, T0 + 4 * HALF_LIFE, HALF_LIFE, 256);

        // then: old novelty fades, the unseen mass shrinks
        assertThat(g.estimate("new").probability()).isLessThan(before / 10);
    }

    @Test
    void shouldDropTheLeastRecentlySeenValuesToStayWithinMaxValues() {
        // given room for 8 values
        Grain g = new Grain();

        // when 20 distinct values arrive one minute apart
        IntStream.range(0, 20).forEach(i -> g.learn("v" + i, 2, T0 + i * 60_000L, HALF_LIFE, 8));

        // then the 8 most recent are kept and the total is theirs alone
        assertThat(g.size()).isEqualTo(8);
        assertThat(g.estimate("v0").unseen()).isTrue();
        assertThat(g.estimate("v11").unseen()).isTrue();
        assertThat(g.estimate("v12").unseen()).isFalse();
        assertThat(g.estimate("v19").unseen()).isFalse();
        double kept = IntStream.range(12, 20).mapToDouble(i -> g.estimate("v" + i).count()).sum();
        assertThat(g.total()).isCloseTo(kept, within(1e-9));
    }

    @Test
    void shouldKeepAValueThatIsSeenAgainWhenOthersAreEvicted() {
        // given
        Grain g = new Grain();
        IntStream.range(0, 8).forEach(i -> g.learn("v" + i, 1, T0 + i, HALF_LIFE, 8));

        // when v0 is seen again, then a new value comes
        g.learn("v0", 1, T0 + 100, HALF_LIFE, 8);
        g.learn("new", 1, T0 + 200, HALF_LIFE, 8);

        // then v1, now the least recently seen, went instead of v0
        assertThat(g.estimate("v0").unseen()).isFalse();
        assertThat(g.estimate("v1").unseen()).isTrue();
        assertThat(g.size()).isEqualTo(8);
    }

    @Test
    void shouldListTheMostFrequentValuesFirst() {
        // given
        Grain g = new Grain();
        g.learn("rare", 1, T0, HALF_LIFE, 256);
        g.learn("common", 9, T0, HALF_LIFE, 256);
        g.learn("middle", 4, T0, HALF_LIFE, 256);

        // when / then
        assertThat(g.top(2)).extracting(java.util.Map.Entry::getKey).containsExactly("common", "middle");
    }
}
