package io.agentwatch.topology;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * What an input record must be before it may touch state, whoever produced it. Its shape first,
 * so that nothing below ever handles an unbounded or unprintable value: every string at most
 * {@code input.max.field.chars} characters (one record must not make a session, a finding or a
 * revoke command too large to write), every list and map at most
 * {@code input.max.list.entries} entries, and no control or invisible characters in ids and
 * names (they would forge log lines, or make two ids look alike to an analyst). Then its
 * meaning: SPIFFE agent ids, the key equal to the agent id (or co-partitioning breaks), the
 * required ids present, a token that ends after it starts, a delegation chain that does not
 * loop.
 *
 * <p>Pure, no Kafka types: the validator processor applies it, the property tests call it directly.
 * Each refusal is a {@link ValidationException} whose reason is the dead-letter reason. Analysts'
 * verdicts (FindingFeedback) pass the same checks: they too change state.
 */
public final class InputRules {
    /**
     * A SPIFFE ID as the SPIFFE-ID specification allows it: a lower-case trust domain, then path
     * segments of ASCII letters, digits, '.', '-' and '_' that are neither '.' nor '..', no empty
     * segment, no query or fragment, at most {@value #MAX_SPIFFE_ID_BYTES} bytes. Anything looser
     * would let one agent appear under two ids ({@code /agents/./mailer}) and start a fresh baseline.
     */
    public static final Pattern SPIFFE_ID = Pattern.compile("spiffe://[a-z0-9._-]+(/(?!\\.\\.?(?:/|$))[A-Za-z0-9._-]+)+");
    static final int MAX_SPIFFE_ID_BYTES = 2048;

    /** Fields of free text, where tabs and line breaks (and bidi marks) are allowed: a token's purpose, a revocation's or approval's reason, attribute values, a verdict's note. */
    private static final Set<String> FREE_TEXT_FIELDS = Set.of("purpose", "reason", "attributes", "note");
    /**
     * A call's target: gateways build it from the model's arguments, and real models put JSON
     * with line breaks there, so tabs and line breaks pass; bidi overrides and the like do not.
     */
    private static final String ARGUMENTS_FIELD = "target";

    private final int maxFieldChars;
    private final int maxEntries;

    public InputRules(int maxFieldChars, int maxEntries) {
        this.maxFieldChars = maxFieldChars;
        this.maxEntries = maxEntries;
    }

    public static InputRules from(AgentwatchConfig config) {
        return new InputRules(config.getInt(AgentwatchConfig.INPUT_MAX_FIELD_CHARS),
                config.getInt(AgentwatchConfig.INPUT_MAX_LIST_ENTRIES));
    }

    public int maxFieldChars() {
        return maxFieldChars;
    }

    /** Refuses the record with a {@link ValidationException}, or returns when it may be processed. */
    public void check(String key, SpecificRecord value) {
        if (value == null) {
            throw new ValidationException("missing-value", "the record has no value (a tombstone): input events"
                    + " are never deleted, send a TokenRevoked to end a token");
        }
        if (!(value instanceof ToolCall || value instanceof TokenIssued || value instanceof TokenRevoked
                || value instanceof BaselineReset || value instanceof ApprovalDecision
                || value instanceof FindingFeedback)) {
            throw new ValidationException("unexpected-type", "not an input event: " + value.getClass().getSimpleName());
        }
        if (key == null) {
            throw new ValidationException("missing-key", "the record has no key: producers must key every event"
                    + " by its agent_id, so that one agent's events meet in one task");
        }
        checkText("record key", key, false);
        checkFields("", value);
        if (value instanceof ToolCall c) {
            agent(key, c.getAgentId());
            required("event_id", c.getEventId());
            required("session_id", c.getSessionId());
            required("tool", c.getTool());
            if (c.getDelegatedTo() != null) {
                spiffe("delegated_to", c.getDelegatedTo());
            }
        } else if (value instanceof TokenIssued t) {
            agent(key, t.getAgentId());
            required("token_id", t.getTokenId());
            if (!t.getExpiresAt().isAfter(t.getIssuedAt())) {
                throw new ValidationException("invalid-token-lifetime", "token " + quote(t.getTokenId())
                        + " expires_at " + t.getExpiresAt() + " is not after issued_at " + t.getIssuedAt());
            }
            checkActorChain(t);
        } else if (value instanceof TokenRevoked r) {
            agent(key, r.getAgentId());
            required("token_id", r.getTokenId());
        } else if (value instanceof BaselineReset r) {
            agent(key, r.getAgentId());
        } else if (value instanceof ApprovalDecision d) {
            agent(key, d.getAgentId());
            required("decision_id", d.getDecisionId());
            required("command_id", d.getCommandId());
            required("approver", d.getApprover());
            if (d.getApprover().strip().equalsIgnoreCase(d.getAgentId())) {
                throw new ValidationException("self-approval", "approval " + quote(d.getDecisionId())
                        + " names the agent itself as approver: a step-up approval must come from a person");
            }
        } else if (value instanceof FindingFeedback f) {
            agent(key, f.getAgentId());
            required("feedback_id", f.getFeedbackId());
            required("finding_id", f.getFindingId());
            required("analyst", f.getAnalyst());
        }
    }

    /** Every field, whatever the schema version: strings, lists and maps bounded, ids and names printable. */
    private void checkFields(String prefix, SpecificRecord record) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (field.name().equals(ARGUMENTS_FIELD) && value instanceof CharSequence target) {
                checkArguments(prefix + field.name(), target.toString());
            } else {
                checkValue(prefix + field.name(), value, FREE_TEXT_FIELDS.contains(field.name()));
            }
        }
    }

    private void checkValue(String path, Object value, boolean freeText) {
        if (value instanceof CharSequence text) {
            checkText(path, text.toString(), freeText);
        } else if (value instanceof List<?> list) {
            checkEntries(path, list.size());
            for (int i = 0; i < list.size(); i++) {
                checkValue(path + "[" + i + "]", list.get(i), freeText);
            }
        } else if (value instanceof Map<?, ?> map) {
            checkEntries(path, map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String entryKey = String.valueOf(e.getKey());
                checkText(path + " key", entryKey, false);
                checkValue(path + "[" + quote(entryKey) + "]", e.getValue(), freeText);
            }
        } else if (value instanceof SpecificRecord nested) {
            checkFields(path + ".", nested);
        }
        // Numbers, timestamps and enum symbols: bounded by their type.
    }

    private void checkEntries(String path, int entries) {
        if (entries > maxEntries) {
            throw new ValidationException("too-many-entries", path + " has " + entries + " entries; at most "
                    + maxEntries + " are accepted (" + AgentwatchConfig.INPUT_MAX_LIST_ENTRIES + ")");
        }
    }

    private void checkText(String path, String text, boolean freeText) {
        if (text.length() > maxFieldChars) {
            throw new ValidationException("field-too-long", path + " holds " + text.length()
                    + " characters; at most " + maxFieldChars + " are accepted (" + AgentwatchConfig.INPUT_MAX_FIELD_CHARS
                    + "), so that one record cannot bloat state, findings and revoke commands");
        }
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (isInvisible(c) && !(freeText && allowedInFreeText(c))) {
                throw new ValidationException("control-character", path + " holds the control or invisible character "
                        + String.format("U+%04X", c) + " at position " + i + (freeText ? ""
                        : ": ids and names must be printable, or they can forge log lines and look like other ids"));
            }
            i += Character.charCount(c);
        }
    }

    /** A target: bounded, and printable but for tabs and line breaks. */
    private void checkArguments(String path, String text) {
        checkText(path, text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' '), false);
    }

    /**
     * A character a person cannot see or that changes how text around it is shown: control
     * characters (C0, DEL, C1: terminal escapes, NUL, line feeds), format characters (bidi
     * overrides, zero-width spaces), line and paragraph separators, and lone surrogates.
     */
    static boolean isInvisible(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * {@code text} fit for a dead-letter header, a log line or a terminal: invisible characters
     * escaped as {@code \\uXXXX}, cut after {@code maxChars} with the full length noted.
     */
    public static String printable(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 32);
        int i = 0;
        while (i < text.length() && out.length() < maxChars) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isInvisible(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        }
        if (i < text.length()) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    /** Text may break lines and carry bidi marks (right-to-left languages need them). */
    private static boolean allowedInFreeText(int c) {
        return c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.FORMAT;
    }

    private static void agent(String key, String agentId) {
        spiffe("agent_id", agentId);
        if (!agentId.equals(key)) {
            throw new ValidationException("key-mismatch", "record key " + quote(key) + " differs from agent_id "
                    + quote(agentId) + ": producers must key every event by agent_id so one agent's events meet in one task");
        }
    }

    private static void spiffe(String field, String id) {
        if (id == null || id.getBytes(StandardCharsets.UTF_8).length > MAX_SPIFFE_ID_BYTES
                || !SPIFFE_ID.matcher(id).matches()) {
            throw new ValidationException("invalid-agent-id", field + " " + quote(id) + " is not a SPIFFE ID such as"
                    + " spiffe://corp.example/agents/billing-bot (lower-case trust domain; path segments of letters,"
                    + " digits, '.', '-', '_', not '.' or '..')");
        }
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ValidationException("missing-field", field + " is required and empty");
        }
    }

    /** Each hop of a delegation mints a new token: a chain naming one token twice, or the token itself, loops. */
    private static void checkActorChain(TokenIssued t) {
        Set<String> tokens = new HashSet<>();
        tokens.add(t.getTokenId());
        for (int i = 0; i < t.getActorChain().size(); i++) {
            Actor a = t.getActorChain().get(i);
            spiffe("actor_chain[" + i + "].sub", a.getSub());
            if (a.getTokenId() != null && !tokens.add(a.getTokenId())) {
                throw new ValidationException("delegation-cycle", "actor_chain[" + i + "] names token "
                        + quote(a.getTokenId()) + (a.getTokenId().equals(t.getTokenId()) ? ", the token itself"
                        : ", already named earlier in the chain") + ": a delegation chain cannot loop");
            }
        }
    }

    /** A value quoted in a message: short, with invisible characters escaped. */
    private static String quote(String value) {
        return value == null ? "null" : "'" + printable(value, 120) + "'";
    }
}
