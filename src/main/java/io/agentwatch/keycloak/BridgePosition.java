package io.agentwatch.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the bridge must not lose across a restart, stored as one record per realm in the
 * compacted position topic and written in the same Kafka transaction as the events it covers:
 * the cursors in the event and admin-event logs, and the tokens already reported revoked (token
 * id → expiry, dropped once expired), so that a revocation seen twice (the bridge's own
 * notBefore, then its admin event; a revoke repeated at Keycloak) is published once.
 *
 * <p>Stored format, version 1 (JSON, UTF-8):
 * <pre>{@code
 * {"version":1,
 *  "events":{"watermark":<ms>,"seen":{"<event id>":<ms>,...}},
 *  "admin_events":{"watermark":<ms>,"seen":{...}},
 *  "reported_revoked":{"<token id>":<expiry ms>,...}}
 * }</pre>
 */
public record BridgePosition(EventCursor events, EventCursor adminEvents, Map<String, Long> reportedRevoked) {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public BridgePosition {
        reportedRevoked = Map.copyOf(reportedRevoked);
    }

    /** Where a bridge without a stored position starts: {@code from} in both logs. */
    public static BridgePosition startingAt(long from) {
        return new BridgePosition(EventCursor.startingAt(from), EventCursor.startingAt(from), Map.of());
    }

    public boolean reported(String tokenId) {
        return reportedRevoked.containsKey(tokenId);
    }

    public BridgePosition withEvents(EventCursor c) {
        return new BridgePosition(c, adminEvents, reportedRevoked);
    }

    public BridgePosition withAdminEvents(EventCursor c) {
        return new BridgePosition(events, c, reportedRevoked);
    }

    public BridgePosition withReported(String tokenId, long expiresAtMillis) {
        Map<String, Long> m = new HashMap<>(reportedRevoked);
        m.put(tokenId, expiresAtMillis);
        return new BridgePosition(events, adminEvents, m);
    }

    /** Forgets reported tokens that expired before {@code nowMillis}. */
    public BridgePosition purgedAt(long nowMillis) {
        Map<String, Long> m = new HashMap<>(reportedRevoked);
        m.values().removeIf(expiry -> expiry < nowMillis);
        return m.size() == reportedRevoked.size() ? this : new BridgePosition(events, adminEvents, m);
    }

    public byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.set("events", cursor(events));
        root.set("admin_events", cursor(adminEvents));
        ObjectNode reported = root.putObject("reported_revoked");
        new TreeMap<>(reportedRevoked).forEach(reported::put);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the bridge position", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a position of a version this bridge reads
     */
    public static BridgePosition decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("the stored bridge position is not JSON: " + e.getMessage(), e);
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("the stored bridge position has version " + version + ", this bridge reads "
                    + VERSION + ": run the bridge version that wrote it, or delete the realm's record from the position topic");
        }
        return new BridgePosition(cursor(root.path("events")), cursor(root.path("admin_events")),
                longs(root.path("reported_revoked")));
    }

    private static ObjectNode cursor(EventCursor c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("watermark", c.watermark());
        ObjectNode seen = n.putObject("seen");
        new TreeMap<>(c.seen()).forEach(seen::put);
        return n;
    }

    private static EventCursor cursor(JsonNode n) {
        if (!n.path("watermark").canConvertToLong()) {
            throw new IllegalArgumentException("the stored bridge position lacks a cursor watermark: " + n);
        }
        return new EventCursor(n.path("watermark").asLong(), longs(n.path("seen")));
    }

    private static Map<String, Long> longs(JsonNode n) {
        Map<String, Long> m = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asLong());
        }
        return m;
    }
}
