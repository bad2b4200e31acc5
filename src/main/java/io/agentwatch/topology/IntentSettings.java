package io.agentwatch.topology;

import io.agentwatch.catalog.TaskTypes;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.TokenTiers;

/**
 * Settings of the task-intent and credential-hygiene checks, from config: the task-type mapping
 * and its bounds, the token tiers' lifetimes, and when unused scopes are reported.
 */
public record IntentSettings(TaskTypes taskTypes, int maxTaskTypes, int minTaskSessions, TokenTiers tiers,
                             int unusedScopeSessions, long scopeReportIntervalMs) {

    public static IntentSettings from(AgentwatchConfig c) {
        return new IntentSettings(TaskTypes.fromConfig(c.getString(AgentwatchConfig.TASK_TYPES_FILE)),
                c.getInt(AgentwatchConfig.TASK_MAX_TYPES),
                c.getInt(AgentwatchConfig.TASK_MIN_SESSIONS),
                TokenTiers.of(c.getList(AgentwatchConfig.HYGIENE_SCOPES_READONLY),
                        c.getList(AgentwatchConfig.HYGIENE_SCOPES_CRITICAL),
                        c.duration(AgentwatchConfig.HYGIENE_TTL_READONLY),
                        c.duration(AgentwatchConfig.HYGIENE_TTL_STANDARD),
                        c.duration(AgentwatchConfig.HYGIENE_TTL_CRITICAL)),
                c.getInt(AgentwatchConfig.HYGIENE_UNUSED_SCOPE_SESSIONS),
                c.duration(AgentwatchConfig.HYGIENE_REPORT_INTERVAL).toMillis());
    }
}
