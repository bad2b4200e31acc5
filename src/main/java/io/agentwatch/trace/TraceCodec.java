package io.agentwatch.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON Lines trace format of {@code replay}, {@code simulate --out} and test fixtures: one
 * object per line with {@code "type"} = tool_call, token_issued, token_revoked, approval or
 * finding_feedback (an analyst's verdict) and the Avro field names. Optional: {@code "label"} (attack/benign). A tool call without session_id is put
 * in a session named after its token (or "default"), so traces from runtimes that do not track
 * conversations still group calls sensibly.
 */
public final class TraceCodec {
    public static final String TOOL_CALL = "tool_call";
    public static final String TOKEN_ISSUED = "token_issued";
    public static final String TOKEN_REVOKED = "token_revoked";
    public static final String APPROVAL = "approval";
    public static final String FINDING_FEEDBACK = "finding_feedback";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<Class<? extends SpecificRecord>, String> TYPES = Map.of(
            ToolCall.class, TOOL_CALL, TokenIssued.class, TOKEN_ISSUED, TokenRevoked.class, TOKEN_REVOKED,
            ApprovalDecision.class, APPROVAL, FindingFeedback.class, FINDING_FEEDBACK);

    private TraceCodec() {
    }

    /** Parses one line; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static TraceEvent parse(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected one JSON object per line");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new IllegalArgumentException("missing \"type\" (tool_call, token_issued, token_revoked, approval or finding_feedback)");
        }
        JsonNode labelNode = node.get("label");
        String label = labelNode == null || labelNode.isNull() ? null : labelNode.asText();
        SpecificRecord event = switch (type.asText()) {
            case TOOL_CALL -> AvroJson.fromJson(withDefaultSession((ObjectNode) node), ToolCall.class);
            case TOKEN_ISSUED -> AvroJson.fromJson(node, TokenIssued.class);
            case TOKEN_REVOKED -> AvroJson.fromJson(node, TokenRevoked.class);
            case APPROVAL -> AvroJson.fromJson(node, ApprovalDecision.class);
            case FINDING_FEEDBACK -> AvroJson.fromJson(node, FindingFeedback.class);
            default -> throw new IllegalArgumentException("unknown type '" + type.asText()
                    + "' (expected tool_call, token_issued, token_revoked, approval or finding_feedback)");
        };
        return new TraceEvent(event, label);
    }

    private static ObjectNode withDefaultSession(ObjectNode node) {
        JsonNode session = node.get("session_id");
        if (session == null || session.isNull() || session.asText().isBlank()) {
            JsonNode token = node.get("token_id");
            node = node.deepCopy();
            node.put("session_id", token != null && token.isTextual() && !token.asText().isBlank()
                    ? token.asText() : "default");
        }
        return node;
    }

    /** One trace line for an input event, optionally labelled. */
    public static String format(SpecificRecord event, String label) {
        String type = TYPES.get(event.getClass());
        if (type == null) {
            throw new IllegalArgumentException("not an input event: " + event.getClass().getSimpleName());
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type);
        node.setAll(AvroJson.toJson(event));
        if (label != null) {
            node.put("label", label);
        }
        return node.toString();
    }
}
