package io.agentwatch.rules;

import io.agentwatch.detect.CallContext;
import io.agentwatch.detect.Detection;
import io.agentwatch.detect.Detector;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysts' rules as one more detector: each call is judged by the rule set in force when
 * it is processed, and the matches go through the same responder as every other detection. A
 * rule that cannot be evaluated for a call (a missing attribute, a number that is not one) does
 * not match; the failure is counted, and logged once per rule and loaded set, so a rule that
 * fails on every call does not flood the log.
 */
public final class RulesDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(RulesDetector.class);

    private final Rules rules;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile RuleSet warnedFor;

    public RulesDetector(Rules rules) {
        this.rules = rules;
    }

    @Override
    public List<Detection> inspect(CallContext ctx) {
        RuleSet set = rules.current();
        return set.evaluate(ctx, (rule, message) -> failed(set, rule, message));
    }

    private void failed(RuleSet set, Rule rule, String message) {
        if (warnedFor != set) {
            warned.clear();
            warnedFor = set;
        }
        if (warned.add(rule.id())) {
            LOG.warn("rule {} could not be evaluated ({}); it does not match such calls. Guard the condition,"
                    + " e.g. \"amount\" in call.attributes && ...; further failures of it are only counted", rule.id(),
                    message);
        }
        rules.listener().evaluationFailed(rule.id(), message);
    }
}
