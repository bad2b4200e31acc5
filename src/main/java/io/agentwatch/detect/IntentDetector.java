package io.agentwatch.detect;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.state.Grains;
import io.agentwatch.state.TaskProfile;
import java.util.List;
import java.util.Locale;

/**
 * Is the action consistent with the declared task? An agent that drafts change requests and, in
 * other tasks, deploys them, has deploy in its baseline: deploying is normal for the agent. But a
 * deploy under a token whose purpose is "draft a change request" was not asked for. This detector
 * judges a call's action (tool and operation) against the agent's baseline for the token's task
 * type ({@link io.agentwatch.catalog.TaskTypes}) as well: an action normal for the agent (seen,
 * and not notable at the agent's level, where {@link ScopeDriftDetector} speaks) but never seen in
 * this task type is {@code intent.unexpected_for_task}, with both baselines in the observations.
 *
 * <p>It judges only a task baseline that has learned enough clean sessions of its type, and only
 * when the action's absence is surprising there (the same surprisal threshold as drift): a task
 * type whose sessions keep trying new actions makes a new one unremarkable. MEDIUM when the call
 * changes something or touches CONFIDENTIAL+ data, LOW for other reads. Never a revoke on its
 * own: a task type comes from a mapping over free text, and a wrong mapping must not cut agents
 * off. With step-up approval on, a MEDIUM on a high-impact call asks a person instead.
 */
public final class IntentDetector {

    public List<Detection> inspect(CallContext ctx, String taskType, TaskProfile task, int minSessions) {
        Call call = ctx.call();
        if (taskType == null || task == null || task.sessions() < minSessions || !ctx.baseline().isActive()) {
            return List.of();
        }
        String action = Grains.toolOperation(call);
        Novelty forAgent = ctx.novelty(Grains.TOOL_OPERATION, action);
        if (forAgent.unseen() || forAgent.notable()) {
            return List.of(); // not normal for the agent: scope drift's to judge
        }
        Novelty forTask = Novelty.of(task.actions(), taskGrain(taskType), action, ctx.settings().thresholdBits());
        if (!forTask.unseen() || !forTask.notable()) {
            return List.of();
        }
        boolean weighty = call.isWriteLike() || call.atLeast(Sensitivity.CONFIDENTIAL);
        Detection.Builder b = Detection.of(Detection.INTENT, "intent.unexpected_for_task",
                        weighty ? Severity.MEDIUM : Severity.LOW, weighty ? 25 : 5)
                .summary(String.format(Locale.ROOT, "%s used %s, normal for the agent (%.0f of %.0f calls) but never"
                                + " in its tasks of type %s (0 of %.0f calls in %d sessions); token %s was issued for: %s",
                        call.agentId(), action, forAgent.estimate().count(), forAgent.estimate().total(), taskType,
                        forTask.estimate().total(), task.sessions(), call.tokenId(), ctx.token().purpose()))
                .revoke(RevokeScope.SESSION).key("intent:" + taskType + ":" + action).call(call)
                .note("task type " + taskType + " from the token's purpose");
        b.observe(normal(forAgent)).observe(forTask.toObservation());
        return List.of(b.build());
    }

    /** The grain name of a task type's actions in observations, e.g. "task:change-draft/tool_operation". */
    public static String taskGrain(String taskType) {
        return "task:" + taskType + "/" + Grains.TOOL_OPERATION;
    }

    /** The agent's side of the evidence: the action is in its baseline, with its counts. */
    private static Observation normal(Novelty n) {
        Observation o = n.toObservation();
        o.setVerdict("NORMAL");
        return o;
    }
}
