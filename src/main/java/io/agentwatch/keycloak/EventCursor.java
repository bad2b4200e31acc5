package io.agentwatch.keycloak;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the bridge is in one of Keycloak's event logs. Keycloak pages events by time, and an
 * event can be stored a moment after a later-stamped one (two requests in flight), so the
 * position is not a single timestamp: every event before {@code watermark} is done, and of the
 * events at or after it, those in {@code seen} (id → time) are done. The bridge reads again
 * from the watermark on every poll and keeps the watermark a settle time behind the newest
 * event, so a late-stored event within that time is still found, and none is published twice.
 *
 * @param watermark epoch milliseconds (Keycloak's clock)
 */
public record EventCursor(long watermark, Map<String, Long> seen) {

    public EventCursor {
        seen = Map.copyOf(seen);
    }

    public static EventCursor startingAt(long watermark) {
        return new EventCursor(watermark, Map.of());
    }

    /** Whether an event has yet to be handled. */
    public boolean isNew(String id, long time) {
        return time >= watermark && !seen.containsKey(id);
    }

    /**
     * This cursor with the events handled, the watermark moved to {@code settle} before the newest
     * of them (never back), and the ids before it forgotten.
     */
    public EventCursor after(Map<String, Long> handled, long settleMillis) {
        if (handled.isEmpty()) {
            return this;
        }
        long newest = handled.values().stream().mapToLong(Long::longValue).max().orElse(watermark);
        long next = Math.max(watermark, newest - settleMillis);
        Map<String, Long> kept = new HashMap<>();
        seen.forEach((id, time) -> {
            if (time >= next) {
                kept.put(id, time);
            }
        });
        handled.forEach((id, time) -> {
            if (time >= next) {
                kept.put(id, time);
            }
        });
        return new EventCursor(next, kept);
    }
}
