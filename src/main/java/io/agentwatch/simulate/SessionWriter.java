package io.agentwatch.simulate;

import io.agentwatch.model.Call;
import io.agentwatch.avro.Actor;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.IssuedToken;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a planned task into the events a runtime and a credential broker would publish: the
 * task-scoped token, the calls (with think times, rare transient errors that the agent retries,
 * rarer denials), and the end of the session (the broker revokes the token when the task is
 * done, or lets it expire). A DELEGATE call makes the broker issue the delegate a token whose
 * actor chain names this agent and its token, and the delegate's session follows.
 */
final class SessionWriter {
    static final String ISSUER = "https://sts.corp.example";
    private static final List<Integer> TTL_MINUTES = List.of(15, 20, 30, 45, 60);
    /** Longest session that fits the longest token, with a margin so the last call is clearly before expiry. */
    private static final Duration LONGEST_SESSION = Duration.ofMinutes(55);
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);
    private static final Duration SHORTEST_REVOCATION_DELAY = Duration.ofSeconds(1);
    private static final Duration THINK_TIME = Duration.ofSeconds(9);

    private final TokenLedger ledger;
    private final Duration expiryMargin;
    private final Duration revocationDelay;
    private final Duration distinct;

    /**
     * {@code distinct} is the simulated time that still shows as a difference once the live phase
     * is sped up: the end of a session (revocation, expiry) stays strictly after its last call.
     */
    SessionWriter(TokenLedger ledger, Duration distinct) {
        this.ledger = ledger;
        this.expiryMargin = max(EXPIRY_MARGIN, distinct);
        this.revocationDelay = max(SHORTEST_REVOCATION_DELAY, distinct);
        this.distinct = distinct;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The session's events; {@code end} is this agent's last event (a delegate's session may run longer). */
    record Written(List<Timed> events, Instant end) {
    }

    Written write(Agent agent, Task task, Instant start, String label) {
        List<Timed> events = new ArrayList<>();
        Instant end = write(agent, task, start, label, List.of(), events);
        return new Written(events, end);
    }

    private Instant write(Agent agent, Task task, Instant start, String label, List<Actor> chain, List<Timed> out) {
        Rand rand = agent.rand();
        String base = agent.name() + "-" + String.format("%04d", agent.nextSessionNumber());
        String sessionId = "sess-" + base;
        String tokenId = "tok-" + base;
        // The first call strictly after the issuance, also once sped up: consumers of several
        // topics break equal timestamps arbitrarily, and a token is issued before it is used.
        List<Call> calls = fitIntoOneToken(start, timeCalls(task.steps(), start, rand, distinct));
        Instant last = calls.isEmpty() ? start : calls.get(calls.size() - 1).at();
        Instant expires = start.plus(ttl(Duration.between(start, last).plus(expiryMargin), rand));
        Instant revoked = rand.chance(0.75) ? last.plus(max(revocationDelay, rand.millisBetween(1_000, 20_000))) : null;
        ledger.record(new IssuedToken(tokenId, agent.id(), task.scopes(), start, expires, revoked));

        out.add(new Timed(start, TokenIssued.newBuilder()
                .setTokenId(tokenId).setAgentId(agent.id()).setSessionId(sessionId)
                .setIssuedAt(start).setExpiresAt(expires).setScopes(task.scopes()).setAudience(task.audience())
                .setBoundaries(task.boundaries()).setPurpose(task.purpose()).setActorChain(chain).setIssuer(ISSUER)
                .build(), label));
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            Step step = call.step();
            String eventId = "evt-" + base + "-" + String.format("%02d", i + 1);
            out.add(new Timed(call.at(), toolCall(agent, sessionId, tokenId, eventId, call), label));
            if (step.delegation() != null && call.outcome() == Outcome.OK) {
                List<Actor> delegateChain = new ArrayList<>();
                delegateChain.add(new Actor(agent.id(), tokenId));
                delegateChain.addAll(chain);
                write(step.delegation().delegate(), step.delegation().task(),
                        call.at().plus(max(distinct, rand.millisBetween(300, 2_000))), label, delegateChain, out);
            }
        }
        if (revoked != null) {
            String reason = rand.chance(0.95) ? "task finished" : "session closed by user";
            out.add(new Timed(revoked, new TokenRevoked(tokenId, agent.id(), revoked, reason, "broker", null), label));
        }
        return revoked != null ? revoked : last;
    }

    private record Call(Step step, Outcome outcome, Instant at, Map<String, String> attributes) {
        Call at(Instant newAt) {
            return new Call(step, outcome, newAt, attributes);
        }
    }

    /**
     * Think times between calls, and the runtime noise of benign work: about 1.6% of calls fail
     * transiently and are retried after a back-off, 0.4% are denied by a resource's own policy
     * and skipped. Steps with an explicit outcome (the attacks' key calls) get no noise.
     */
    private static List<Call> timeCalls(List<Step> steps, Instant start, Rand rand, Duration minFirstPause) {
        List<Call> calls = new ArrayList<>();
        Instant t = start;
        for (Step step : steps) {
            Duration pause = step.pause() != null ? step.pause()
                    : calls.isEmpty() ? max(minFirstPause, rand.millisBetween(300, 2_500))
                    : rand.lognormal(THINK_TIME, 0.8);
            t = t.plus(pause);
            if (step.outcome() != null) {
                calls.add(new Call(step, step.outcome(), t, Map.of()));
                continue;
            }
            double r = rand.uniform(0, 1);
            if (r < 0.004) {
                calls.add(new Call(step, Outcome.DENIED, t, Map.of("error", "denied by resource policy")));
            } else if (r < 0.02) {
                calls.add(new Call(step, Outcome.ERROR, t, Map.of("error", rand.pick(List.of("timeout",
                        "upstream 503", "rate limited")))));
                t = t.plus(rand.millisBetween(1_000, 6_000));
                calls.add(new Call(step, Outcome.OK, t, Map.of("retry", "1")));
            } else {
                calls.add(new Call(step, Outcome.OK, t, Map.of()));
            }
        }
        return calls;
    }

    /** A task that would outlive the longest token is done faster rather than with an expired token. */
    private static List<Call> fitIntoOneToken(Instant start, List<Call> calls) {
        if (calls.isEmpty()) {
            return calls;
        }
        long span = Duration.between(start, calls.get(calls.size() - 1).at()).toMillis();
        if (span <= LONGEST_SESSION.toMillis()) {
            return calls;
        }
        double factor = (double) LONGEST_SESSION.toMillis() / span;
        return calls.stream()
                .map(c -> c.at(start.plusMillis((long) (Duration.between(start, c.at()).toMillis() * factor))))
                .toList();
    }

    /** The broker's lifetime for a task token: one of its usual values that covers the task. */
    private static Duration ttl(Duration needed, Rand rand) {
        List<Integer> fitting = TTL_MINUTES.stream().filter(m -> Duration.ofMinutes(m).compareTo(needed) >= 0).toList();
        return Duration.ofMinutes(fitting.isEmpty() ? TTL_MINUTES.get(TTL_MINUTES.size() - 1) : rand.pick(fitting));
    }

    private static ToolCall toolCall(Agent agent, String sessionId, String tokenId, String eventId, Call call) {
        Step step = call.step();
        return ToolCall.newBuilder()
                .setEventId(eventId).setOccurredAt(call.at()).setAgentId(agent.id()).setSessionId(sessionId)
                .setTokenId(step.tokenId() != null ? step.tokenId() : tokenId)
                .setTool(step.tool().name()).setOperation(step.operation()).setTarget(step.target())
                .setBoundary(step.boundary()).setSensitivity(step.sensitivity()).setRequiredScope(step.scope())
                .setDelegatedTo(step.delegation() == null ? null : step.delegation().delegate().id())
                .setOutcome(call.outcome()).setAttributes(new TreeMap<>(call.attributes()))
                .build();
    }
}
