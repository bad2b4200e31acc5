package io.agentwatch.model;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.CatalogEntry;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.catalog.ToolFlag;
import java.util.Set;

/**
 * A tool call as the detectors see it: event fields, with the gaps filled from the tool
 * catalog (event fields win). Unknown operation defaults to EXECUTE and unknown sensitivity to
 * INTERNAL: the cautious middle, neither ignored nor treated as the worst case. An external
 * sink with no boundary anywhere goes to the boundary {@value #EXTERNAL}.
 */
public record Call(String eventId, long time, String agentId, String sessionId, String tokenId, String tool,
                   Operation operation, String target, String boundary, Sensitivity sensitivity,
                   String requiredScope, String delegatedTo, Outcome outcome, Set<ToolFlag> flags) {

    /** Boundary of an external sink (send_email, http_post, ...) whose event and catalog name none. */
    public static final String EXTERNAL = "external";

    public static Call of(ToolCall c, ToolCatalog catalog) {
        CatalogEntry e = catalog.lookup(c.getTool());
        return new Call(c.getEventId(), c.getOccurredAt().toEpochMilli(), c.getAgentId(), c.getSessionId(),
                blankToNull(c.getTokenId()), c.getTool(),
                first(c.getOperation(), e.operation(), Operation.EXECUTE),
                blankToNull(c.getTarget()),
                first(blankToNull(c.getBoundary()), e.boundary(),
                        e.flags().contains(ToolFlag.EXTERNAL_SINK) ? EXTERNAL : null),
                first(c.getSensitivity(), e.sensitivity(), Sensitivity.INTERNAL),
                first(blankToNull(c.getRequiredScope()), e.scope(), null),
                blankToNull(c.getDelegatedTo()), c.getOutcome(), e.flags());
    }

    private static <T> T first(T a, T b, T c) {
        return a != null ? a : b != null ? b : c;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public boolean has(ToolFlag flag) {
        return flags.contains(flag);
    }

    /** Moves or changes data: the leg of a chain that can exfiltrate or do harm. */
    public boolean isEgress() {
        return operation == Operation.WRITE || operation == Operation.SEND || operation == Operation.EXECUTE
                || has(ToolFlag.EXTERNAL_SINK);
    }

    /** Changes state (anything but a READ). */
    public boolean isWriteLike() {
        return operation != Operation.READ;
    }

    /** Reads data worth stealing: CONFIDENTIAL or RESTRICTED, or a tool the catalog marks private. */
    public boolean readsSensitiveData() {
        return operation == Operation.READ
                && (sensitivity.ordinal() >= Sensitivity.CONFIDENTIAL.ordinal() || has(ToolFlag.PRIVATE_DATA));
    }

    public boolean atLeast(Sensitivity s) {
        return sensitivity.ordinal() >= s.ordinal();
    }

    /** WRITE/DELETE/EXECUTE/DELEGATE on RESTRICTED data, or money: the strictest response tier. */
    public boolean isHighImpact() {
        return has(ToolFlag.FINANCIAL)
                || (operation != Operation.READ && operation != Operation.SEND && atLeast(Sensitivity.RESTRICTED));
    }

    /** A READ of PUBLIC or INTERNAL data: the lightest response tier. */
    public boolean isLowRiskRead() {
        return operation == Operation.READ && !atLeast(Sensitivity.CONFIDENTIAL) && !has(ToolFlag.PRIVATE_DATA);
    }

    public String toolOperation() {
        return tool + ":" + operation;
    }
}
