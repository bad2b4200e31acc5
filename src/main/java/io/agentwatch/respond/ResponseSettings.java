package io.agentwatch.respond;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import java.util.List;

/** The response policy's tiers, from config. */
public record ResponseSettings(boolean dryRun, Severity alertMinSeverity, Severity revokeMinSeverity,
                               int revokeSessionRisk, List<String> revokeAgentRules, Action readOnlyMaxAction,
                               Action highImpactMinAction, long commandTtlMs, CommandSigner signer) {

    public static ResponseSettings from(AgentwatchConfig c) {
        return new ResponseSettings(
                c.getBoolean(AgentwatchConfig.RESPONSE_DRY_RUN),
                c.severity(AgentwatchConfig.RESPONSE_ALERT_MIN_SEVERITY),
                c.severity(AgentwatchConfig.RESPONSE_REVOKE_MIN_SEVERITY),
                c.getInt(AgentwatchConfig.RESPONSE_REVOKE_SESSION_RISK),
                c.getList(AgentwatchConfig.RESPONSE_REVOKE_AGENT_RULES),
                c.action(AgentwatchConfig.RESPONSE_READONLY_MAX_ACTION),
                c.action(AgentwatchConfig.RESPONSE_CRITICAL_MIN_ACTION),
                c.duration(AgentwatchConfig.RESPONSE_COMMAND_TTL).toMillis(),
                CommandSigner.fromConfig(c));
    }
}
