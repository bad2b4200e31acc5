package io.agentwatch.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import io.agentwatch.avro.Action;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.detect.CallContext;
import io.agentwatch.detect.Detection;
import io.agentwatch.model.Call;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete set of compiled rules, as one file defined them; immutable, so a reload swaps sets
 * and a call is always judged by one of them. Each rule that matches a call yields one detection,
 * once per session (its de-duplication key is the rule).
 */
public final class RuleSet {
    /** What went wrong evaluating one rule on one call (a missing map key, a string that is no number). */
    @FunctionalInterface
    public interface Errors {
        void failed(Rule rule, String message);
    }

    private final List<Rule> rules;
    private final RuleVariables variables;

    RuleSet(List<Rule> rules, RuleVariables variables) {
        this.rules = List.copyOf(rules);
        this.variables = variables;
    }

    static RuleSet empty() {
        return new RuleSet(List.of(), null);
    }

    public List<Rule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }

    /** The detections of the rules that match the call, in file order. */
    public List<Detection> evaluate(CallContext ctx, Errors errors) {
        if (rules.isEmpty()) {
            return List.of();
        }
        CelVariableResolver vars = variables.resolver(ctx);
        List<Detection> out = new ArrayList<>(1);
        RuleVariables.CURRENT.set(ctx);
        try {
            for (Rule rule : rules) {
                Object result;
                try {
                    result = rule.program().eval(vars);
                } catch (CelEvaluationException | RuntimeException e) {
                    errors.failed(rule, e.getMessage());
                    continue;
                }
                if (Boolean.TRUE.equals(result)) {
                    out.add(detection(rule, ctx.call()));
                }
            }
        } finally {
            RuleVariables.CURRENT.remove();
        }
        return out;
    }

    private static Detection detection(Rule rule, Call call) {
        Detection.Builder b = Detection.of(Detection.RULE, rule.findingRule(), rule.severity(), score(rule.severity()))
                .summary(call.agentId() + " " + call.operation() + " via " + call.tool()
                        + (call.target() == null ? "" : " to " + call.target()) + " matched rule " + rule.id()
                        + (rule.description() == null ? "" : ": " + rule.description()))
                .revoke(scopeOf(rule.action())).action(rule.action()).key(rule.findingRule())
                .note("condition: " + rule.condition());
        if (!rule.tags().isEmpty()) {
            b.note("tags: " + String.join(", ", rule.tags()));
        }
        rule.references().forEach(b::reference);
        return b.call(call).build();
    }

    /** Risk a match adds to the session, by severity (the built-in detectors' range). */
    private static int score(Severity s) {
        return switch (s) {
            case LOW -> 10;
            case MEDIUM -> 30;
            case HIGH -> 60;
            case CRITICAL -> 90;
        };
    }

    private static RevokeScope scopeOf(Action a) {
        return switch (a) {
            case REVOKE_TOKEN -> RevokeScope.TOKEN;
            case REVOKE_AGENT -> RevokeScope.AGENT;
            default -> RevokeScope.SESSION;
        };
    }
}
