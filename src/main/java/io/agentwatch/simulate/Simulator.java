package io.agentwatch.simulate;

import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import io.agentwatch.simulate.roles.Roles;
import io.agentwatch.trace.TraceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The simulated fleet's events in time order, labelled {@value #BENIGN} or {@value #ATTACK}
 * (every event of a hijacked session, its token events and a delegate's session included).
 *
 * <p>Two phases. The history ({@code historyDays} from {@code start}) is benign behaviour in
 * simulated time, for baselines to form. The live phase follows: the same agents at their
 * busiest-hour pace, sped up to {@code liveRate} events per second of event time, with hijacks
 * every {@code hijackEvery}. Event times in the live phase therefore advance like a wall clock at
 * that rate; pacing them against the real clock is {@link SimulationRunner}'s job.
 *
 * <p>Sessions are planned whole when they start and their events wait in a queue, so an event
 * is emitted only once no session can start before it. Nothing here reads the wall clock.
 */
public final class Simulator implements Iterator<TraceEvent> {
    public static final String BENIGN = "benign";
    public static final String ATTACK = "attack";
    /** An agent rests at least this long between two sessions. */
    private static final Duration MIN_GAP = Duration.ofSeconds(20);
    /** Simulated time over which the fleet's natural busy-hour rate is measured to set the live speed-up. */
    private static final Duration PILOT = Duration.ofHours(12);

    /** Longest live time between a hijack's injection and the agent starting the hijacked session. */
    private static final Duration PICK_UP_DELAY = Duration.ofSeconds(40);
    /** Live time by which the end of a session stays after its last call, at any speed-up. */
    private static final Duration DISTINCT = Duration.ofMillis(2);

    private record Queued(Timed timed, long seq) {
    }

    private final Instant liveStart;
    private final TimeWarp warp;
    /** No session starts at or after this simulated instant; null when the simulation has no end. */
    private final Instant end;
    private final Fleet fleet;
    private final TokenLedger ledger = new TokenLedger();
    private final SessionWriter writer;
    private final HijackSchedule hijacks;
    private final PriorityQueue<Queued> pending = new PriorityQueue<>(
            Comparator.comparing((Queued q) -> q.timed().time()).thenComparingLong(Queued::seq));
    /** Agents that will start another session, by when. */
    private final PriorityQueue<AgentClock> starts = new PriorityQueue<>(
            Comparator.comparing((AgentClock c) -> c.nextStart).thenComparingInt(AgentClock::index));
    private final List<AgentClock> clocks = new ArrayList<>();
    private long seq;

    public Simulator(SimulationSpec spec) {
        liveStart = spec.liveStart();
        boolean speedUp = spec.hasLivePhase() && spec.liveRate() > 0;
        warp = new TimeWarp(liveStart, speedUp ? spec.liveRate() / naturalBusyRate(spec) : 1.0);
        end = spec.liveDuration() == null ? null : liveStart.plus(warp.simulated(spec.liveDuration()));
        writer = new SessionWriter(ledger, warp.simulated(DISTINCT));
        List<Agent> agents = createAgents(spec);
        fleet = new Fleet(agents);
        hijacks = new HijackSchedule(spec, warp, end, new Rand(Rand.mix(spec.seed(), -1)));
        for (int i = 0; i < agents.size(); i++) {
            AgentClock clock = new AgentClock(agents.get(i), i, spec.seed(), liveStart);
            clock.busyUntil = spec.start();
            clock.nextStart = clock.sessionAfter(spec.start(), end);
            clocks.add(clock);
            schedule(clock);
        }
    }

    private static List<Agent> createAgents(SimulationSpec spec) {
        List<Agent> agents = new ArrayList<>();
        Map<String, Integer> perRole = new HashMap<>();
        for (int i = 0; i < spec.agents(); i++) {
            String role = spec.roles().get(i % spec.roles().size());
            int n = perRole.merge(role, 1, Integer::sum);
            Rand rand = new Rand(Rand.mix(spec.seed(), i));
            agents.add(new Agent(role + "-" + n, Roles.create(role, rand), rand));
        }
        return agents;
    }

    /** Events per second of the fleet at its busiest, measured on a short run of the same spec at natural pace. */
    private static double naturalBusyRate(SimulationSpec spec) {
        SimulationSpec pilot = spec.toBuilder().historyDays(0).liveRate(0).liveDuration(PILOT).attackCount(0).build();
        long events = new Simulator(pilot).stream().count();
        return Math.max(events, 1) / (double) PILOT.toSeconds();
    }

    /** Event time at which the live phase starts; events before it are history. */
    public Instant liveStart() {
        return liveStart;
    }

    /** How many times faster than the agents' natural pace the live phase runs (1 when it does not speed up). */
    public double speedup() {
        return warp.speedup();
    }

    public Stream<TraceEvent> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public boolean hasNext() {
        advance();
        return !pending.isEmpty();
    }

    @Override
    public TraceEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Timed timed = pending.poll().timed();
        return new TraceEvent(warp.apply(timed.event()), timed.label());
    }

    /** Starts sessions and injects hijacks until the earliest queued event can no longer be preceded by anything. */
    private void advance() {
        while (true) {
            Instant firstQueued = pending.isEmpty() ? null : pending.peek().timed().time();
            Instant hijack = hijacks.next();
            AgentClock nextAgent = starts.peek();
            Instant session = nextAgent == null ? null : nextAgent.nextStart;
            if (hijack != null && notAfter(hijack, firstQueued) && notAfter(hijack, session)) {
                inject(hijack);
            } else if (session != null && notAfter(session, firstQueued)) {
                startSession(starts.poll());
            } else {
                return;
            }
        }
    }

    private static boolean notAfter(Instant t, Instant limit) {
        return limit == null || !t.isAfter(limit);
    }

    /**
     * A prompt injection arrives with new work (an email, a web page, a ticket): the chosen agent
     * picks it up a little later, or once its current session is over, even if it had no more
     * work planned before the end.
     */
    private void inject(Instant at) {
        AgentClock chosen = hijacks.inject(clocks);
        if (chosen == null) {
            return;
        }
        Instant pickedUp = at.plusMillis(Math.round(warp.simulated(PICK_UP_DELAY).toMillis()
                * chosen.agent().rand().uniform(0.05, 1)));
        Instant soonest = chosen.busyUntil.plus(MIN_GAP);
        Instant start = soonest.isAfter(pickedUp) ? soonest : pickedUp;
        if (start.isBefore(chosen.nextStart)) {
            starts.remove(chosen);
            chosen.nextStart = start;
            schedule(chosen);
        }
    }

    private void startSession(AgentClock clock) {
        Agent agent = clock.agent();
        Instant at = clock.nextStart;
        boolean hijacked = clock.pendingAttack != null;
        Task task = hijacked
                ? clock.pendingAttack.hijack().plan(agent, at, fleet, ledger)
                : agent.role().nextTask(agent, fleet);
        clock.pendingAttack = null;
        SessionWriter.Written written = writer.write(agent, task, at, hijacked ? ATTACK : BENIGN);
        written.events().forEach(e -> pending.add(new Queued(e, seq++)));
        clock.busyUntil = written.end();
        clock.nextStart = clock.sessionAfter(written.end().plus(MIN_GAP), end);
        schedule(clock);
    }

    private void schedule(AgentClock clock) {
        if (end == null || clock.nextStart.isBefore(end)) {
            starts.add(clock);
        }
    }
}
