package io.agentwatch.simulate;

import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A generated trace indexed the way the assertions need it. */
final class Trace {
    final List<TraceEvent> events;
    final Instant liveStart;
    final Map<String, TokenIssued> tokens = new LinkedHashMap<>();
    final Map<String, TokenRevoked> revocations = new LinkedHashMap<>();
    final Map<String, List<TraceEvent>> sessions;

    Trace(SimulationSpec spec) {
        Simulator simulator = new Simulator(spec);
        liveStart = simulator.liveStart();
        events = simulator.stream().toList();
        for (TraceEvent e : events) {
            if (e.event() instanceof TokenIssued t) {
                tokens.put(t.getTokenId(), t);
            } else if (e.event() instanceof TokenRevoked r) {
                revocations.put(r.getTokenId(), r);
            }
        }
        sessions = events.stream().collect(Collectors.groupingBy(Trace::sessionOf, LinkedHashMap::new,
                Collectors.toList()));
    }

    /** Session of an event: its own, or its token's for token events. */
    static String sessionOf(TraceEvent e) {
        if (e.event() instanceof ToolCall c) {
            return c.getSessionId();
        } else if (e.event() instanceof TokenIssued t) {
            return t.getSessionId();
        }
        return "sess-" + ((TokenRevoked) e.event()).getTokenId().substring("tok-".length());
    }

    List<ToolCall> calls() {
        return events.stream().filter(e -> e.event() instanceof ToolCall).map(e -> (ToolCall) e.event()).toList();
    }

    List<ToolCall> calls(String label) {
        return events.stream().filter(e -> e.event() instanceof ToolCall && label.equals(e.label()))
                .map(e -> (ToolCall) e.event()).toList();
    }

    static List<ToolCall> calls(List<TraceEvent> session) {
        return session.stream().filter(e -> e.event() instanceof ToolCall).map(e -> (ToolCall) e.event()).toList();
    }

    /** Sessions whose events are labelled attack (all of them must be). */
    List<List<TraceEvent>> attackSessions() {
        return sessions.values().stream().filter(s -> Simulator.ATTACK.equals(s.get(0).label())).toList();
    }

    /** What each agent did in its benign history: values of {@code field} per agent. */
    Map<String, Set<String>> history(Function<ToolCall, String> field) {
        return calls(Simulator.BENIGN).stream().filter(c -> c.getOccurredAt().isBefore(liveStart))
                .collect(Collectors.groupingBy(ToolCall::getAgentId,
                        Collectors.mapping(field, Collectors.toSet())));
    }
}
