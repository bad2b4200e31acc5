package io.agentwatch.rules;

import dev.cel.runtime.CelRuntime;
import io.agentwatch.avro.Action;
import io.agentwatch.avro.Severity;
import io.agentwatch.frameworks.Frameworks;
import java.util.List;

/**
 * One analyst's rule, compiled: what it is called, how severe a match is, what to do about it
 * (ALERT, or revoke the token, the session or the agent), its free-form tags and the framework
 * items its framework tags name, its condition and the program CEL compiled from it, and the condition's cost bound.
 */
public record Rule(String id, String description, Severity severity, Action action, List<String> tags,
                   List<Frameworks.Item> references, String condition, long cost, CelRuntime.Program program) {

    /** The finding's rule name: analysts' rules live beside the built-in ones under their own prefix. */
    public String findingRule() {
        return "rule." + id;
    }
}
