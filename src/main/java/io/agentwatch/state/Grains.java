package io.agentwatch.state;

import io.agentwatch.model.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The grains of the baseline and how a call's value in each is spelled. One place, used both
 * when a clean session is learned and when a call is judged, so a value learned is the value
 * looked up.
 */
public final class Grains {
    /** The grains, named as they appear in findings' observations. */
    public static final String TOOL = "tool";
    public static final String TOOL_OPERATION = "tool_operation";
    public static final String BOUNDARY = "boundary";
    public static final String TARGET = "target";
    public static final String TRANSITION = "transition";
    /** Boundaries the agent wrote, sent or executed into. */
    public static final String EGRESS = "egress";
    /** Targets of those writes and sends: recipients, sinks. */
    public static final String RECIPIENT = "recipient";
    /** Sensitive-read boundary to egress boundary pairs ("corp->customer-mail"). */
    public static final String FLOW = "flow";
    /** Where calls that reach a party send their parameters (see {@link io.agentwatch.model.Destinations}). */
    public static final String DESTINATION = "destination";

    /** A grain and the value a call has in it. */
    public record Value(String grain, String value) {
    }

    private Grains() {
    }

    public static String toolOperation(Call c) {
        return c.tool() + ":" + c.operation();
    }

    public static String transition(String previousTool, String tool) {
        return previousTool + "->" + tool;
    }

    public static String flow(String from, String to) {
        return from + "->" + to;
    }

    /**
     * Every grain value of {@code c}, given the tool called before it in the session (or null)
     * and the boundaries where the session read sensitive data before it. Destinations are not
     * among them: they join the baseline through {@link Destinations}' quarantine.
     */
    public static List<Value> of(Call c, String previousTool, Set<String> sensitiveReadBoundaries) {
        List<Value> out = new ArrayList<>();
        add(out, TOOL, c.tool());
        add(out, TOOL_OPERATION, toolOperation(c));
        add(out, BOUNDARY, c.boundary());
        add(out, TARGET, c.target());
        if (previousTool != null) {
            add(out, TRANSITION, transition(previousTool, c.tool()));
        }
        if (c.isEgress()) {
            add(out, EGRESS, c.boundary());
            add(out, RECIPIENT, c.target());
            for (String from : sensitiveReadBoundaries) {
                if (c.boundary() != null && !from.equals(c.boundary())) {
                    add(out, FLOW, flow(from, c.boundary()));
                }
            }
        }
        return out;
    }

    private static void add(List<Value> out, String grain, String value) {
        if (value != null) {
            out.add(new Value(grain, value));
        }
    }
}
