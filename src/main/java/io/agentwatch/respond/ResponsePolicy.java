package io.agentwatch.respond;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.model.Call;
import io.agentwatch.detect.Detection;

/**
 * Maps a detection, the session's accumulated risk and the triggering call's tier to an
 * action. Severity at or above response.revoke.min.severity revokes what the detection names
 * (a token, the session, or the agent for the rules in response.revoke.agent.rules); a
 * session whose risk reaches response.revoke.session.risk is revoked whatever the last
 * finding; otherwise ALERT from response.alert.min.severity, else NONE. Tiers then bound the
 * action by what the call could do: a low-risk read may trigger at most
 * response.tier.readonly.max.action; a high-impact call's revoke is at least
 * response.tier.critical.min.action. A detection that names its own action (an analyst's rule)
 * gets that action instead of the one its severity gives; the tiers bound it all the same.
 */
public final class ResponsePolicy {
    private final ResponseSettings settings;

    public ResponsePolicy(ResponseSettings settings) {
        this.settings = settings;
    }

    public ResponseSettings settings() {
        return settings;
    }

    /**
     * @param call the call being processed, or null when a token event triggered the detection
     * @param sessionRisk the session's risk including this detection's score
     */
    public Action decide(Detection d, Call call, int sessionRisk) {
        Action action;
        if (d.action() != null) {
            action = d.action();
        } else if (d.atLeast(settings.revokeMinSeverity())) {
            action = settings.revokeAgentRules().contains(d.rule()) ? Action.REVOKE_AGENT : revokeFor(d.revokeScope());
        } else if (sessionRisk >= settings.revokeSessionRisk() && call != null) {
            action = Action.REVOKE_SESSION;
        } else if (d.atLeast(settings.alertMinSeverity())) {
            action = Action.ALERT;
        } else {
            action = Action.NONE;
        }
        if (call != null && call.isLowRiskRead()) {
            action = min(action, settings.readOnlyMaxAction());
        }
        if (call != null && call.isHighImpact() && isRevoke(action)) {
            action = max(action, settings.highImpactMinAction());
        }
        return action;
    }

    public static boolean isRevoke(Action a) {
        return a == Action.REVOKE_TOKEN || a == Action.REVOKE_SESSION || a == Action.REVOKE_AGENT;
    }

    public static RevokeScope scopeOf(Action a) {
        return switch (a) {
            case REVOKE_TOKEN -> RevokeScope.TOKEN;
            case REVOKE_SESSION -> RevokeScope.SESSION;
            case REVOKE_AGENT -> RevokeScope.AGENT;
            default -> throw new IllegalArgumentException(a + " revokes nothing");
        };
    }

    private static Action revokeFor(RevokeScope scope) {
        return switch (scope) {
            case TOKEN -> Action.REVOKE_TOKEN;
            case SESSION -> Action.REVOKE_SESSION;
            case AGENT -> Action.REVOKE_AGENT;
            case SUSPEND, RESUME -> throw new IllegalArgumentException(scope + " is not a revoke a detection can name");
        };
    }

    private static Action min(Action a, Action b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    private static Action max(Action a, Action b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
