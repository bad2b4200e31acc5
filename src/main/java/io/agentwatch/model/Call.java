package io.agentwatch.model;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.CatalogEntry;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.catalog.ToolFlag;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A tool call as the detectors see it: event fields, with the gaps filled from the tool
 * catalog (event fields win). Unknown operation defaults to EXECUTE and unknown sensitivity to
 * INTERNAL: the cautious middle, neither ignored nor treated as the worst case. An external
 * sink with no boundary anywhere goes to the boundary {@value #EXTERNAL}. Flags come from the
 * catalog and, for what only the producer knows (a tool result carrying third-party content),
 * from the event attribute {@value #FLAGS_ATTRIBUTE}: a comma-separated list of flag names,
 * case-insensitive, e.g. {@code untrusted_input}. Flags only add: an event cannot remove one the
 * catalog sets. The event's attributes are kept as they came, for analysts' rules.
 */
public record Call(String eventId, long time, String agentId, String sessionId, String tokenId, String tool,
                   Operation operation, String target, String boundary, Sensitivity sensitivity,
                   String requiredScope, String delegatedTo, Outcome outcome, Set<ToolFlag> flags,
                   List<String> destinations, Map<String, String> attributes) {

    /** Boundary of an external sink (send_email, http_post, ...) whose event and catalog name none. */
    public static final String EXTERNAL = "external";
    /** Event attribute with extra flags set by the producer. */
    public static final String FLAGS_ATTRIBUTE = "agentwatch.flags";

    public static Call of(ToolCall c, ToolCatalog catalog) {
        CatalogEntry e = catalog.lookup(c.getTool());
        String target = blankToNull(c.getTarget());
        return new Call(c.getEventId(), c.getOccurredAt().toEpochMilli(), c.getAgentId(), c.getSessionId(),
                blankToNull(c.getTokenId()), c.getTool(),
                first(c.getOperation(), e.operation(), Operation.EXECUTE),
                target,
                first(blankToNull(c.getBoundary()), e.boundary(),
                        e.flags().contains(ToolFlag.EXTERNAL_SINK) ? EXTERNAL : null),
                first(c.getSensitivity(), e.sensitivity(), Sensitivity.INTERNAL),
                first(blankToNull(c.getRequiredScope()), e.scope(), null),
                blankToNull(c.getDelegatedTo()), c.getOutcome(), flags(e.flags(), c.getAttributes()),
                Destinations.of(target), c.getAttributes() == null ? Map.of() : Map.copyOf(c.getAttributes()));
    }

    private static Set<ToolFlag> flags(Set<ToolFlag> catalog, Map<String, String> attributes) {
        String extra = attributes == null ? null : attributes.get(FLAGS_ATTRIBUTE);
        if (extra == null || extra.isBlank()) {
            return catalog;
        }
        EnumSet<ToolFlag> all = catalog.isEmpty() ? EnumSet.noneOf(ToolFlag.class) : EnumSet.copyOf(catalog);
        for (String name : extra.split(",")) {
            try {
                all.add(ToolFlag.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException unknownFlag) {
                // a flag this release does not know adds nothing; the event is still judged
            }
        }
        return all;
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

    /**
     * The call hands data to a party: a catalog external sink, money movement, or a target that
     * is a network address (its parameters leave with the request, whatever the declared
     * operation). Its {@link #destinations()} are who receives them.
     */
    public boolean reachesParty() {
        return !destinations.isEmpty()
                && (has(ToolFlag.EXTERNAL_SINK) || has(ToolFlag.FINANCIAL) || Destinations.isNetworkAddress(target));
    }

    /** Brings content a third party can write into the session: a catalog flag or the producer's attribute. */
    public boolean bringsUntrustedInput() {
        return has(ToolFlag.UNTRUSTED_INPUT);
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

    /**
     * A high-impact action: money, or a write, delete, execute or delegation on CONFIDENTIAL or
     * RESTRICTED data. Never seen for an agent, it is a harm in itself (drift.high_impact); and
     * it puts the call in the strictest response tier.
     */
    public boolean isHighImpact() {
        return has(ToolFlag.FINANCIAL)
                || (operation != Operation.READ && operation != Operation.SEND && atLeast(Sensitivity.CONFIDENTIAL));
    }

    /** A READ of PUBLIC or INTERNAL data that reaches no party: the lightest response tier. */
    public boolean isLowRiskRead() {
        return operation == Operation.READ && !atLeast(Sensitivity.CONFIDENTIAL) && !has(ToolFlag.PRIVATE_DATA)
                && !reachesParty();
    }

}
