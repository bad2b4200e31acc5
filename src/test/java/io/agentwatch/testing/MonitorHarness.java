package io.agentwatch.testing;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.feedback.FindingMemory;
import io.agentwatch.replay.Replayer;
import io.agentwatch.replay.TraceClock;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.CredentialState;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TaskBaselines;
import io.agentwatch.state.TokenState;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.topology.Names;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trace.TraceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real topology in a {@link Replayer} (TopologyTestDriver, in-memory stores) with a
 * cursor of stream time starting at {@link #START}: each event the test feeds without a time
 * happens at the cursor, which then moves on by {@link #STEP}. Every output is kept, with the
 * input event that produced it, and the stores can be read at any point.
 */
public final class MonitorHarness implements AutoCloseable {
    /** Monday 2026-01-05 09:00 UTC. */
    public static final Instant START = Instant.parse("2026-01-05T09:00:00Z");
    public static final Duration STEP = Duration.ofMinutes(1);

    private final AgentwatchConfig config;
    private final Replayer replayer;
    private final Rules rules;
    private final AtomicLong wallClock = new AtomicLong(START.toEpochMilli());
    private final List<Replayer.Output> outputs = new ArrayList<>();
    private final List<Replayer.DeadLetter> deadLetters = new ArrayList<>();
    private Instant now = START;
    private int sequence;

    private MonitorHarness(Map<String, Object> overrides, Suppressions suppressions, DetectionObserver observer) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.putIfAbsent(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://harness-" + UUID.randomUUID());
        config = new AgentwatchConfig(props);
        rules = Rules.fromConfig(config);
        MonitorServices services = new MonitorServices(ToolCatalog.builtIn(), suppressions, new RegistrySerdes(config),
                observer, clockOf(wallClock), true, rules);
        replayer = new Replayer(config, services, START);
    }

    public static MonitorHarness create() {
        return new MonitorHarness(Map.of(), Suppressions.none(), DetectionObserver.NONE);
    }

    public static MonitorHarness create(Map<String, Object> config) {
        return new MonitorHarness(config, Suppressions.none(), DetectionObserver.NONE);
    }

    public static MonitorHarness create(Map<String, Object> config, Suppressions suppressions) {
        return new MonitorHarness(config, suppressions, DetectionObserver.NONE);
    }

    /** With an observer that sees what the topology reports (metrics), dead letters included. */
    public static MonitorHarness create(Map<String, Object> config, DetectionObserver observer) {
        return new MonitorHarness(config, Suppressions.none(), observer);
    }

    /** A clock that reads {@code millis}: detected_at follows the trace, as in `replay`. */
    public static Clock clockOf(AtomicLong millis) {
        return new TraceClock(millis);
    }

    // ---- time

    public Instant now() {
        return now;
    }

    public MonitorHarness at(Instant time) {
        now = time;
        return this;
    }

    public MonitorHarness advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    // ---- input

    /** Feeds the benign history and moves the cursor to the Monday after it. */
    public MonitorHarness withBenignHistory() {
        BenignHistory.events().forEach(this::feed);
        at(BenignHistory.end());
        return this;
    }

    /** A tool call at the cursor (unless the builder has a time) with id e-N (unless it has one). */
    public List<Replayer.Output> call(ToolCall.Builder b) {
        if (!b.hasOccurredAt()) {
            b.setOccurredAt(tick());
        }
        if (!b.hasEventId()) {
            b.setEventId("e-" + ++sequence);
        }
        return feed(b.build());
    }

    /** A token issued at the cursor (unless set), valid for one hour (unless set). */
    public List<Replayer.Output> issue(TokenIssued.Builder b) {
        if (!b.hasIssuedAt()) {
            b.setIssuedAt(tick());
        }
        if (!b.hasExpiresAt()) {
            b.setExpiresAt(b.getIssuedAt().plus(Duration.ofHours(1)));
        }
        return feed(b.build());
    }

    /** The broker revokes the token at the cursor. */
    public List<Replayer.Output> brokerRevokes(String agent, String tokenId) {
        return feed(Events.revoked(agent, tokenId, tick(), "revoked by broker"));
    }

    public List<Replayer.Output> feed(SpecificRecord event) {
        return feed(keyOf(event), event);
    }

    /** Feeds with an explicit record key. */
    public List<Replayer.Output> feed(String key, SpecificRecord event) {
        wallClock.set(Math.max(wallClock.get(), TraceEvent.eventTime(event).toEpochMilli()));
        List<Replayer.Output> out = replayer.feed(key, event);
        outputs.addAll(out);
        deadLetters.addAll(replayer.deadLetters());
        return out;
    }

    /** Undecodable bytes straight onto the tool-calls topic, as a broken producer would write them. */
    public void pipeRawToolCall(String key, byte[] value) {
        TestInputTopic<String, byte[]> raw = replayer.driver().createInputTopic(TopicNames.from(config).toolCalls(),
                new StringSerializer(), new ByteArraySerializer());
        raw.pipeInput(key, value, now);
        outputs.addAll(replayer.drain());
        deadLetters.addAll(replayer.deadLetters());
    }

    /**
     * An operator's baseline reset, as the admin endpoint writes it to its input topic: stamped
     * with the wall-clock time {@code requestedAt}, which may be far ahead of the events.
     */
    public void resetBaseline(String agent, Instant requestedAt) {
        TestInputTopic<String, BaselineReset> resets = replayer.driver().createInputTopic(
                TopicNames.from(config).baselineResets(), new StringSerializer(),
                new RegistrySerdes(config).forClass(BaselineReset.class).serializer());
        resets.pipeInput(agent, BaselineReset.newBuilder().setAgentId(agent).setRequestedAt(requestedAt).build(),
                requestedAt);
        outputs.addAll(replayer.drain());
        deadLetters.addAll(replayer.deadLetters());
    }

    private Instant tick() {
        Instant t = now;
        now = now.plus(STEP);
        return t;
    }

    private static String keyOf(SpecificRecord event) {
        return new TraceEvent(event, null).agentId();
    }

    /** A person's decision on the SUSPEND command {@code commandId}, at the cursor. */
    public List<Replayer.Output> decide(String agent, String commandId, ApprovalVerdict verdict, String approver) {
        return feed(ApprovalDecision.newBuilder().setDecisionId("d-" + ++sequence).setAgentId(agent)
                .setCommandId(commandId).setVerdict(verdict).setApprover(approver).setDecidedAt(tick()).build());
    }

    /** Moves the driver's wall clock (wall-clock punctuators run), not stream time. */
    public MonitorHarness advanceWallClock(Duration d) {
        replayer.driver().advanceWallClockTime(d);
        outputs.addAll(replayer.drain());
        return this;
    }

    // ---- output

    public List<Replayer.Output> outputs() {
        return List.copyOf(outputs);
    }

    public List<Finding> findings() {
        return outputs.stream().filter(Replayer.Output::isFinding).map(o -> (Finding) o.record()).toList();
    }

    public List<Finding> findings(String rule) {
        return findings().stream().filter(f -> f.getRule().equals(rule)).toList();
    }

    public List<RevokeCommand> commands() {
        return outputs.stream().filter(o -> o.record() instanceof RevokeCommand).map(o -> (RevokeCommand) o.record())
                .toList();
    }

    public List<Replayer.DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public static List<Finding> findingsIn(List<Replayer.Output> outputs) {
        return outputs.stream().filter(Replayer.Output::isFinding).map(o -> (Finding) o.record()).toList();
    }

    public static List<RevokeCommand> commandsIn(List<Replayer.Output> outputs) {
        return outputs.stream().filter(o -> o.record() instanceof RevokeCommand).map(o -> (RevokeCommand) o.record())
                .toList();
    }

    // ---- stores

    public KeyValueStore<String, TokenState> tokens() {
        return replayer.driver().getKeyValueStore(Names.TOKENS_STORE);
    }

    public KeyValueStore<String, SessionState> sessions() {
        return replayer.driver().getKeyValueStore(Names.SESSIONS_STORE);
    }

    public KeyValueStore<String, Baseline> baselines() {
        return replayer.driver().getKeyValueStore(Names.BASELINES_STORE);
    }

    public TokenState token(String agent, String tokenId) {
        return tokens().get(Names.key(agent, tokenId));
    }

    public SessionState session(String agent, String sessionId) {
        return sessions().get(Names.key(agent, sessionId));
    }

    public Baseline baseline(String agent) {
        return baselines().get(agent);
    }

    public TaskBaselines taskBaselines(String agent) {
        KeyValueStore<String, TaskBaselines> store = replayer.driver().getKeyValueStore(Names.TASK_BASELINES_STORE);
        return store.get(agent);
    }

    public CredentialState credentials(String agent) {
        KeyValueStore<String, CredentialState> store = replayer.driver().getKeyValueStore(Names.CREDENTIALS_STORE);
        return store.get(agent);
    }

    public FindingMemory findingMemory(String agent) {
        KeyValueStore<String, FindingMemory> store = replayer.driver().getKeyValueStore(Names.FINDING_MEMORY_STORE);
        return store.get(agent);
    }

    /** The global token index: the token as last announced, or null when gone. */
    public TokenIssued indexed(String tokenId) {
        KeyValueStore<String, TokenIssued> index = replayer.driver().getKeyValueStore(Names.TOKEN_INDEX_STORE);
        return index.get(tokenId);
    }

    public Replayer replayer() {
        return replayer;
    }

    /** The analysts' rules of rules.file (none when the config names no file), to reload in a test. */
    public Rules rules() {
        return rules;
    }

    @Override
    public void close() {
        replayer.close();
    }
}
