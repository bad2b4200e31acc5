package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCursorTest {

    @Test
    void shouldKeepTheWatermarkASettleTimeBehindTheNewestEventAndRememberWhatIsAfterIt() {
        // given
        EventCursor start = EventCursor.startingAt(1_000);

        // when events at 1 000, 5 000 and 9 000 ms are handled with a settle time of 5 s
        EventCursor next = start.after(Map.of("a", 1_000L, "b", 5_000L, "c", 9_000L), 5_000);

        // then everything before 4 000 is done, and the handled events after it are remembered
        assertThat(next.watermark()).isEqualTo(4_000);
        assertThat(next.seen()).containsOnlyKeys("b", "c");
        assertThat(next.isNew("a", 1_000)).isFalse();
        assertThat(next.isNew("b", 5_000)).isFalse();
        // an event stored late but stamped after the watermark is still new
        assertThat(next.isNew("late", 4_500)).isTrue();
        // one stamped before the watermark is taken as done: the settle time is the limit
        assertThat(next.isNew("too-late", 3_999)).isFalse();
    }

    @Test
    void shouldNeverMoveTheWatermarkBack() {
        EventCursor c = new EventCursor(10_000, Map.of("x", 12_000L));

        assertThat(c.after(Map.of("y", 11_000L), 5_000)).isEqualTo(new EventCursor(10_000, Map.of("x", 12_000L, "y", 11_000L)));
        assertThat(c.after(Map.of(), 5_000)).isSameAs(c);
    }
}
