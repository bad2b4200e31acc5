package io.agentwatch.topology;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.Topics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * The effective names of agentwatch's topics: the {@link Topics} defaults unless configuration
 * overrides them.
 */
public record TopicNames(
        String toolCalls,
        String tokenIssuances,
        String tokenRevocations,
        String baselineResets,
        String findings,
        String revokeCommands,
        String tokenIndex,
        String deadLetters,
        String approvals,
        String findingFeedback) {

    public TopicNames {
        Objects.requireNonNull(toolCalls, "toolCalls");
        Objects.requireNonNull(tokenIssuances, "tokenIssuances");
        Objects.requireNonNull(tokenRevocations, "tokenRevocations");
        Objects.requireNonNull(baselineResets, "baselineResets");
        Objects.requireNonNull(findings, "findings");
        Objects.requireNonNull(revokeCommands, "revokeCommands");
        Objects.requireNonNull(tokenIndex, "tokenIndex");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(approvals, "approvals");
        Objects.requireNonNull(findingFeedback, "findingFeedback");
    }

    /** The names configured by topic.* keys (defaults: {@link Topics}). */
    public static TopicNames from(AgentwatchConfig c) {
        return new TopicNames(c.getString(AgentwatchConfig.TOPIC_TOOL_CALLS),
                c.getString(AgentwatchConfig.TOPIC_TOKEN_ISSUANCES),
                c.getString(AgentwatchConfig.TOPIC_TOKEN_REVOCATIONS),
                c.getString(AgentwatchConfig.TOPIC_BASELINE_RESETS),
                c.getString(AgentwatchConfig.TOPIC_FINDINGS),
                c.getString(AgentwatchConfig.TOPIC_REVOKE_COMMANDS),
                c.getString(AgentwatchConfig.TOPIC_TOKEN_INDEX),
                c.getString(AgentwatchConfig.TOPIC_DLQ),
                c.getString(AgentwatchConfig.TOPIC_APPROVALS),
                c.getString(AgentwatchConfig.TOPIC_FINDING_FEEDBACK));
    }

    /** The topic.* config entries that name these topics: the inverse of {@link #from}. */
    public Map<String, String> toConfig() {
        return Map.of(AgentwatchConfig.TOPIC_TOOL_CALLS, toolCalls,
                AgentwatchConfig.TOPIC_TOKEN_ISSUANCES, tokenIssuances,
                AgentwatchConfig.TOPIC_TOKEN_REVOCATIONS, tokenRevocations,
                AgentwatchConfig.TOPIC_BASELINE_RESETS, baselineResets,
                AgentwatchConfig.TOPIC_FINDINGS, findings,
                AgentwatchConfig.TOPIC_REVOKE_COMMANDS, revokeCommands,
                AgentwatchConfig.TOPIC_TOKEN_INDEX, tokenIndex,
                AgentwatchConfig.TOPIC_DLQ, deadLetters,
                AgentwatchConfig.TOPIC_APPROVALS, approvals,
                AgentwatchConfig.TOPIC_FINDING_FEEDBACK, findingFeedback);
    }

    public static TopicNames defaults() {
        return new TopicNames(Topics.TOOL_CALLS, Topics.TOKEN_ISSUANCES, Topics.TOKEN_REVOCATIONS,
                Topics.BASELINE_RESETS, Topics.FINDINGS, Topics.REVOKE_COMMANDS, Topics.TOKEN_INDEX, Topics.DLQ,
                Topics.APPROVALS, Topics.FINDING_FEEDBACK);
    }

    /** The same names with {@code prefix} in front: lets tests that share one broker keep apart. */
    public TopicNames withPrefix(String prefix) {
        return new TopicNames(prefix + toolCalls, prefix + tokenIssuances, prefix + tokenRevocations,
                prefix + baselineResets, prefix + findings, prefix + revokeCommands, prefix + tokenIndex, prefix + deadLetters,
                prefix + approvals, prefix + findingFeedback);
    }

    /**
     * The inputs, keyed by agent id, which must be co-partitioned: the events, the operators'
     * baseline resets, people's approval decisions and the analysts' verdicts.
     */
    public List<String> inputs() {
        return List.of(toolCalls, tokenIssuances, tokenRevocations, baselineResets, approvals, findingFeedback);
    }

    /** The input topic that carries {@code event}'s type. */
    public String inputOf(SpecificRecord event) {
        if (event instanceof ToolCall) {
            return toolCalls;
        } else if (event instanceof TokenIssued) {
            return tokenIssuances;
        } else if (event instanceof TokenRevoked) {
            return tokenRevocations;
        } else if (event instanceof BaselineReset) {
            return baselineResets;
        } else if (event instanceof ApprovalDecision) {
            return approvals;
        } else if (event instanceof FindingFeedback) {
            return findingFeedback;
        }
        throw new IllegalArgumentException("not an input event: " + event.getClass().getSimpleName());
    }

    /** The topics agentwatch writes to (besides the internal topics Kafka Streams manages). */
    public List<String> outputs() {
        return List.of(findings, revokeCommands, tokenIndex, deadLetters);
    }
}
