package io.agentwatch.topology;

/**
 * Processor and store names. They are public API: state directories, changelog topics
 * (application.id-NAME-changelog) and metrics carry them, so renaming one is a conscious
 * change, caught by the topology-docs test.
 */
public final class Names {
    public static final String TOOL_CALLS_SOURCE = "tool-calls-source";
    public static final String TOKEN_ISSUANCES_SOURCE = "token-issuances-source";
    public static final String TOKEN_REVOCATIONS_SOURCE = "token-revocations-source";
    public static final String BASELINE_RESETS_SOURCE = "baseline-resets-source";
    public static final String APPROVALS_SOURCE = "approvals-source";
    public static final String FINDING_FEEDBACK_SOURCE = "finding-feedback-source";
    public static final String VALIDATE = "validate";
    public static final String AGENT_MONITOR = "agent-monitor";
    public static final String FINDINGS_SINK = "findings-sink";
    public static final String REVOKE_COMMANDS_SINK = "revoke-commands-sink";
    public static final String TOKEN_INDEX_SINK = "token-index-sink";
    public static final String TOKEN_INDEX_SOURCE = "token-index-source";
    public static final String TOKEN_INDEX_UPDATER = "token-index-updater";

    public static final String TOKENS_STORE = "tokens";
    public static final String SESSIONS_STORE = "sessions";
    public static final String BASELINES_STORE = "baselines";
    /** Per agent: its baselines per task type. */
    public static final String TASK_BASELINES_STORE = "task-baselines";
    /** Per agent: scope use, tokens that outlived their task, step-up approvals waiting. */
    public static final String CREDENTIALS_STORE = "credentials";
    /** Per agent: recent findings, analysts' suppressions and applied verdicts. */
    public static final String FINDING_MEMORY_STORE = "finding-memory";
    public static final String TOKEN_INDEX_STORE = "token-index";

    /**
     * Header naming the input event being processed when an output record was produced: a tool
     * call's event id, or an approval decision's decision id. None for token events and sweeps.
     */
    public static final String INPUT_EVENT_HEADER = "agentwatch.input-event-id";

    private Names() {
    }

    /** Store key of one agent's token or session: agent ids are URIs, which cannot contain '|'. */
    public static String key(String agentId, String id) {
        return agentId + "|" + id;
    }

    public static String agentPrefix(String agentId) {
        return agentId + "|";
    }
}
