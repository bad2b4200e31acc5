package io.agentwatch.config;

import java.util.List;

/**
 * Default topic names. They are public API: producers, the credential broker and dashboards
 * depend on them. Each can be overridden in config ({@code topic.tool-calls} and so on); code
 * reads the effective names from {@code AgentwatchConfig}, never these constants directly.
 */
public final class Topics {
    public static final String TOOL_CALLS = "agent.tool-calls";
    public static final String TOKEN_ISSUANCES = "agent.token-issuances";
    public static final String TOKEN_REVOCATIONS = "agent.token-revocations";
    public static final String BASELINE_RESETS = "agent.baseline-resets";
    public static final String FINDINGS = "agent.findings";
    public static final String REVOKE_COMMANDS = "agent.revoke-commands";
    public static final String TOKEN_INDEX = "agent.token-index";
    public static final String DLQ = "agent.telemetry.dlq";
    /** People's answers to step-up approvals (ApprovalDecision), keyed by agent id: an input. */
    public static final String APPROVALS = "agent.approvals";
    /** Analysts' verdicts on findings (FindingFeedback), keyed by agent id: an input. */
    public static final String FINDING_FEEDBACK = "agent.finding-feedback";
    /** keycloak-bridge's position in Keycloak's event log (compacted, keyed by realm). */
    public static final String KEYCLOAK_POSITION = "agent.keycloak-bridge.position";

    /** The inputs, keyed by agent id; they must be co-partitioned. */
    public static final List<String> INPUTS = List.of(TOOL_CALLS, TOKEN_ISSUANCES, TOKEN_REVOCATIONS, BASELINE_RESETS,
            APPROVALS, FINDING_FEEDBACK);

    private Topics() {
    }
}
