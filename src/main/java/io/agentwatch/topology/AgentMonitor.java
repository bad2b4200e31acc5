package io.agentwatch.topology;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.detect.CallContext;
import io.agentwatch.detect.CredentialHygiene;
import io.agentwatch.detect.DelegationDetector;
import io.agentwatch.detect.Detection;
import io.agentwatch.detect.DetectionSettings;
import io.agentwatch.detect.Detectors;
import io.agentwatch.detect.IntentDetector;
import io.agentwatch.detect.TokenDirectory;
import io.agentwatch.feedback.FindingMemory;
import io.agentwatch.feedback.Verdicts;
import io.agentwatch.model.Call;
import io.agentwatch.respond.Responder;
import io.agentwatch.respond.Response;
import io.agentwatch.respond.TokenLookup;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.CredentialState;
import io.agentwatch.state.PendingApproval;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.StateSerde;
import io.agentwatch.state.TaskBaselines;
import io.agentwatch.state.TokenState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-agent processor. It sees an agent's tool calls, token issuances and revocations in
 * stream-time order and owns the tokens, sessions and baselines stores. For each event it only
 * loads, stores and forwards: the detectors judge, the responder decides, and this class writes
 * what they return while the triggering call is being processed. A stream-time sweep closes
 * sessions that ended (learning the clean ones), purges ended tokens, and reports revocations
 * the broker did not confirm. Beside them: the token's task (task baselines, {@link IntentDetector}),
 * credential hygiene ({@link CredentialHygiene}) and step-up approvals, whose state is in
 * {@link IntentStores}; a wall-clock punctuator times out approvals on a partition gone quiet.
 * Analysts' verdicts on findings change the agent's finding memory (its suppressions), the
 * finding's open session and the baseline ({@link Verdicts}).
 */
public final class AgentMonitor extends ContextualProcessor<String, SpecificRecord, Object, Object> {
    /** One line per applied analyst verdict: an audit trail of who changed what detection does. */
    private static final org.slf4j.Logger FEEDBACK_LOG = org.slf4j.LoggerFactory.getLogger("agentwatch.feedback");
    /** Deserialized baselines kept in memory; this task is their only writer, so the cache stays exact. */
    private static final int BASELINE_CACHE_SIZE = 10_000;
    private static final int SESSION_CACHE_SIZE = 10_000;
    /** A session's stored size is checked every this many calls ... */
    private static final int SIZE_CHECK_EVERY = 16;
    /** ... and at every call with a field longer than this. */
    private static final int LONG_FIELD_CHARS = 256;
    private static final StateSerde<SessionState> SESSION_SERDE = StateSerde.sessions();

    private final MonitorServices services;
    private final DetectionSettings settings;
    private final BaselinePolicy baselinePolicy;
    private final IntentSettings intentSettings;
    private final Responder responder;
    private final Verdicts verdicts;
    private final long sessionEndAfterMs;
    private final long retentionMs;
    private final Duration punctuateInterval;
    private final StateLimits limits;
    private final Detectors detectors;
    private final DelegationDetector delegation = new DelegationDetector();
    private final IntentDetector intent = new IntentDetector();
    private final CredentialHygiene hygiene = new CredentialHygiene();

    private KeyValueStore<String, TokenState> tokens;
    private KeyValueStore<String, SessionState> sessions;
    private KeyValueStore<String, Baseline> baselines;
    private KeyValueStore<String, FindingMemory> memories;
    private TokenDirectory directory;
    private final SweepIndex index;
    private IntentStores intentStores;
    /** Wall-clock time the last record was processed: a partition quiet for longer is left to the wall clock. */
    private long lastRecordWallMs;
    private final Map<String, Baseline> baselineCache = lruCache(BASELINE_CACHE_SIZE);
    /** Deserialized open sessions; writes still go to the store on every call, reads skip decoding. */
    private final Map<String, SessionState> sessionCache = lruCache(SESSION_CACHE_SIZE);
    /** Finding memories by agent; an agent without one maps to an empty memory, so a call costs no store read. */
    private final Map<String, FindingMemory> memoryCache = lruCache(BASELINE_CACHE_SIZE);

    /**
     * @param sessionEndAfter how long after its own last call a session has ended: the idle
     *                        timeout plus the clock skew tolerated on input, so that one agent's
     *                        clock running ahead (which moves the partition's stream time) cannot
     *                        end another agent's session and erase its chain
     */
    public AgentMonitor(MonitorServices services, DetectionSettings settings, BaselinePolicy baselinePolicy,
                        IntentSettings intentSettings, Responder responder, Verdicts verdicts,
                        Duration sessionEndAfter, Duration retention,
                        Duration punctuateInterval, StateLimits limits) {
        this.services = services;
        this.settings = settings;
        this.baselinePolicy = baselinePolicy;
        this.intentSettings = intentSettings;
        this.responder = responder;
        this.verdicts = verdicts;
        this.sessionEndAfterMs = sessionEndAfter.toMillis();
        this.retentionMs = retention.toMillis();
        this.punctuateInterval = punctuateInterval;
        this.detectors = new Detectors(services.rules().detector());
        this.limits = limits;
        this.index = new SweepIndex(limits.maxTokenLifetimeMs());
    }

    /**
     * What keeps one agent from growing the state without bound: open sessions per agent, the
     * stored size of a session, and how long a token is kept whatever expiry it claims.
     */
    public record StateLimits(int maxOpenSessions, int maxSessionBytes, long maxTokenLifetimeMs) {
    }

    private static <V> Map<String, V> lruCache(int capacity) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        // init runs again when a task is revived after a failure: what was cached may not have
        // been committed, so start from the stores.
        baselineCache.clear();
        sessionCache.clear();
        memoryCache.clear();
        tokens = context.getStateStore(Names.TOKENS_STORE);
        sessions = context.getStateStore(Names.SESSIONS_STORE);
        baselines = context.getStateStore(Names.BASELINES_STORE);
        memories = context.getStateStore(Names.FINDING_MEMORY_STORE);
        KeyValueStore<String, TokenIssued> tokenIndex = context.getStateStore(Names.TOKEN_INDEX_STORE);
        directory = tokenId -> Optional.ofNullable(tokenIndex.get(tokenId)).map(TokenState::of);
        this.index.rebuild(sessions, tokens, baselines);
        intentStores = new IntentStores(context.getStateStore(Names.TASK_BASELINES_STORE),
                context.getStateStore(Names.CREDENTIALS_STORE));
        lastRecordWallMs = context.currentSystemTimeMs();
        context.schedule(punctuateInterval, PunctuationType.STREAM_TIME, this::sweep);
        // The one decision on the wall clock: a suspended agent's calls are refused, so its
        // partition may fall quiet and stream time stop; the approval must still time out.
        context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::approvalsOnQuietPartition);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        long start = System.nanoTime();
        lastRecordWallMs = context().currentSystemTimeMs();
        SpecificRecord value = record.value();
        if (value instanceof BaselineReset) {
            resetBaseline(record.key());
        } else if (value instanceof ToolCall c) {
            services.observer().eventIn("tool_call");
            onToolCall(Call.of(c, services.catalog()));
        } else if (value instanceof TokenIssued t) {
            services.observer().eventIn("token_issued");
            onTokenIssued(t);
        } else if (value instanceof TokenRevoked r) {
            services.observer().eventIn("token_revoked");
            onTokenRevoked(r);
        } else if (value instanceof ApprovalDecision d) {
            services.observer().eventIn("approval");
            onApproval(d);
        } else if (value instanceof FindingFeedback f) {
            services.observer().eventIn("finding_feedback");
            onFeedback(f);
        }
        services.observer().recordProcessed(System.nanoTime() - start);
    }

    /** An operator's reset (agent.baseline-resets): the agent's baseline starts again from LEARNING. */
    private void resetBaseline(String agentId) {
        baselines.delete(agentId);
        baselineCache.remove(agentId);
        index.agent(agentId, null);
        intentStores.resetTasks(agentId);
    }

    private void onToolCall(Call call) {
        String sessionKey = Names.key(call.agentId(), call.sessionId());
        SessionState session = session(sessionKey);
        if (session == null) {
            makeRoomForASession(call);
            session = new SessionState(call.agentId(), call.sessionId(), call.time());
        }
        TokenState token = call.tokenId() == null ? null : tokens.get(Names.key(call.agentId(), call.tokenId()));
        Baseline baseline = baseline(call.agentId());
        CallContext ctx = new CallContext(call, token, directory, session, baseline, settings);
        List<Detection> detections = new ArrayList<>(detectors.inspect(ctx));
        CredentialState credentials = intentStores.credentials(call.agentId());
        if (token != null && intentSettings.taskTypes().isEnabled()) {
            String taskType = intentSettings.taskTypes().typeOf(token.purpose());
            detections.addAll(intent.inspect(ctx, taskType, intentStores.tasks(call.agentId()).profile(taskType),
                    intentSettings.minTaskSessions()));
        }
        detections.addAll(hygiene.inspect(ctx, credentials));
        SessionActivity.Novelties novelties = ctx.novelties();
        respond(detections, session, call, call.eventId(), call.time(), baseline.state(), true, call.eventId());
        session.record(call, novelties, settings.rateWindowMs(), settings.deniedWindowMs());
        if (session.activity().events() % SIZE_CHECK_EVERY == 0 || hasLongField(call)) {
            keepWithinSize(session);
        }
        putSession(sessionKey, session);
        if (scopeUsed(credentials, call, token, session.startedAt())) {
            intentStores.putCredentials(call.agentId(), credentials);
        }
    }

    /** Notes the grants of {@code token} that this call used (the first use per session changes the state). */
    private static boolean scopeUsed(CredentialState credentials, Call call, TokenState token, long sessionStart) {
        if (token == null || token.scopes() == null || call.requiredScope() == null
                || call.outcome() == Outcome.DENIED) {
            return false;
        }
        boolean changed = false;
        for (String granted : token.scopes()) {
            if (TokenState.covers(granted, call.requiredScope())) {
                changed |= credentials.used(granted, call.time(), sessionStart);
            }
        }
        return changed;
    }

    /**
     * Every collection of a session is bounded; this bounds the total, long strings included. It
     * costs an encoding, so it runs every few calls, and at every call that brings a long string.
     */
    private void keepWithinSize(SessionState s) {
        if (SESSION_SERDE.encode(s).length > limits.maxSessionBytes()) {
            s.shrink();
        }
    }

    private static boolean hasLongField(Call c) {
        return Stream.of(c.eventId(), c.tool(), c.target(), c.boundary(), c.sessionId())
                .anyMatch(f -> f != null && f.length() > LONG_FIELD_CHARS);
    }

    /**
     * An agent at its limit of open sessions loses its oldest one, unlearned, with a finding: a
     * flood of sessions must neither fill the state nor teach the baseline.
     */
    private void makeRoomForASession(Call call) {
        while (index.openSessions(call.agentId()) >= limits.maxOpenSessions()) {
            String oldest = index.oldestSession(call.agentId());
            SessionState evicted = session(oldest);
            dropSession(oldest);
            if (evicted == null) {
                continue;
            }
            Detection d = Detection.of(Detection.RATE_ANOMALY, "session.evicted", Severity.LOW, 0)
                    .summary(call.agentId() + " has " + limits.maxOpenSessions() + " sessions open; its oldest, "
                            + evicted.sessionId() + ", was closed unlearned to make room for " + call.sessionId())
                    .key("session.evicted").build();
            respond(List.of(d), evicted, null, call.eventId(), call.time(), baseline(call.agentId()).state(), false,
                    call.eventId());
        }
    }

    private void onTokenIssued(TokenIssued t) {
        TokenState state = TokenState.of(t);
        String key = Names.key(t.getAgentId(), t.getTokenId());
        TokenState previous = tokens.get(key);
        if (previous != null && previous.isRevoked()) {
            state.revoke(previous.revokedAt(), previous.revokeReason()); // revocation seen before the issuance
        }
        putToken(key, state);
        forwardIndex(t.getTokenId(), t, state.issuedAt());
        String sessionKey = state.sessionId() == null ? null : Names.key(t.getAgentId(), state.sessionId());
        SessionState session = sessionKey == null ? null : session(sessionKey);
        if (session != null) {
            // A token issued for an open session (a refresh) keeps it open: otherwise the session
            // closes when its first token expires and forgets what it read before the refresh.
            session.useToken(state.tokenId());
            putSession(sessionKey, session);
        }
        List<Detection> found = new ArrayList<>();
        delegation.inspect(state, directory, state.issuedAt()).ifPresent(found::add);
        hygiene.lifetime(state, intentSettings.tiers()).ifPresent(found::add);
        if (found.isEmpty()) {
            return;
        }
        SessionState s = session != null ? session
                : new SessionState(state.agentId(), state.sessionId() == null ? state.tokenId() : state.sessionId(),
                state.issuedAt());
        respond(found, s, null, state.tokenId(), state.issuedAt(), baseline(state.agentId()).state(), true, null);
        if (session != null) {
            putSession(sessionKey, session);
        }
    }

    /**
     * A revocation counts only for the agent that owns the token: one keyed by another agent
     * (forged or misrouted telemetry) must not delete the owner's token from the index. It is
     * still remembered for the agent it was keyed by, so that agent's later call with that token
     * id is flagged.
     */
    private void onTokenRevoked(TokenRevoked r) {
        String key = Names.key(r.getAgentId(), r.getTokenId());
        long at = r.getRevokedAt().toEpochMilli();
        TokenState state = tokens.get(key);
        boolean owned = state != null;
        if (state == null) {
            // Revoked before (or without) an issuance we saw: remember it, so a later call with it is flagged.
            state = TokenState.of(TokenIssued.newBuilder().setTokenId(r.getTokenId()).setAgentId(r.getAgentId())
                    .setIssuedAt(r.getRevokedAt()).setExpiresAt(r.getRevokedAt().plusMillis(retentionMs)).build());
        }
        state.revoke(at, r.getReason());
        putToken(key, state);
        boolean someoneElses = !owned && directory.lookup(r.getTokenId())
                .map(t -> !t.agentId().equals(r.getAgentId())).orElse(false);
        if (!someoneElses) {
            forwardIndex(r.getTokenId(), null, at);
        }
    }

    private void forwardIndex(String tokenId, TokenIssued value, long time) {
        context().forward(new Record<Object, Object>(tokenId, value, time), Names.TOKEN_INDEX_SINK);
    }

    /**
     * A person's decision on a step-up approval: resume or revoke what the SUSPEND command held,
     * through the responder. A decision that matches nothing waiting is reported, not dropped.
     */
    private void onApproval(ApprovalDecision d) {
        String agentId = d.getAgentId();
        long time = d.getDecidedAt().toEpochMilli();
        CredentialState credentials = intentStores.credentials(agentId);
        PendingApproval pending = credentials.decide(d.getCommandId());
        String sessionId = pending != null ? pending.sessionId()
                : d.getSessionId() != null ? d.getSessionId() : d.getCommandId();
        String sessionKey = Names.key(agentId, sessionId);
        SessionState stored = session(sessionKey);
        SessionState s = stored != null ? stored : new SessionState(agentId, sessionId, time);
        Responder.Input in = input(s, null, d.getDecisionId(), time, baseline(agentId).state(), true);
        if (pending == null) {
            write(responder.unmatched(d, in, lookup(agentId)), in, d.getDecisionId());
            services.observer().approval("unmatched");
        } else {
            intentStores.putCredentials(agentId, credentials);
            write(responder.decided(d, pending, in, lookup(agentId)), in, d.getDecisionId());
            services.observer().approval(d.getVerdict() == ApprovalVerdict.APPROVE ? "approved" : "denied");
        }
        if (stored != null) {
            putSession(sessionKey, stored);
        }
    }

    /**
     * An analyst's verdict on a finding of this agent. Refused (dead-lettered with the reason)
     * when it names a finding no longer remembered and nothing else to act on.
     */
    private void onFeedback(FindingFeedback f) {
        String agentId = f.getAgentId();
        FindingMemory memory = memory(agentId);
        FindingMemory.Remembered finding = memory.finding(f.getFindingId());
        String sessionKey = finding == null || finding.sessionId() == null ? null
                : Names.key(agentId, finding.sessionId());
        SessionState session = sessionKey == null ? null : session(sessionKey);
        Baseline baseline = baseline(agentId);
        String done;
        try {
            done = verdicts.apply(f, memory, session, baseline, f.getAt().toEpochMilli());
        } catch (Verdicts.Refused e) {
            throw new ValidationException("unknown-finding", e.getMessage());
        }
        putMemory(agentId, memory);
        storeBaseline(agentId, baseline);
        if (session != null) {
            putSession(sessionKey, session);
        }
        FEEDBACK_LOG.info("{} by {} on finding {} of {}: {}", f.getVerdict(), f.getAnalyst(), f.getFindingId(), agentId,
                done);
    }

    /** Runs the responder on one event's detections and writes what it decided. */
    private void respond(List<Detection> detections, SessionState session, Call call, String trigger, long eventTime,
                         BaselineState baselineState, boolean mayRevoke, String inputEventId) {
        // Checked before the input is built: most calls raise nothing, and the input reads the
        // agent's finding memory.
        if (detections.isEmpty()) {
            return;
        }
        Responder.Input in = input(session, call, trigger, eventTime, baselineState, mayRevoke);
        write(responder.respond(detections, in, lookup(session.agentId())), in, inputEventId);
    }

    /** What the responder is given about an event: the session so far, the baseline, and the analysts' suppressions. */
    private Responder.Input input(SessionState session, Call call, String trigger, long eventTime,
                                  BaselineState baselineState, boolean mayRevoke) {
        return new Responder.Input(session, call, trigger, eventTime, services.clock().millis(), baselineState,
                mayRevoke, memory(session.agentId()).suppressions(session.agentId(), eventTime));
    }

    /**
     * Writes what the responder decided: the session's memory, tokens ordered revoked, approvals
     * asked for, records, and the findings remembered for analysts' verdicts.
     */
    private void write(Response r, Responder.Input in, String inputEventId) {
        SessionState session = in.session();
        FindingMemory memory = memory(session.agentId());
        session.response().apply(r.memory());
        boolean remembered = false;
        for (TokenState t : r.ordered()) {
            t.revocationOrdered(r.command().getCommandId(), in.eventTime());
            putToken(Names.key(session.agentId(), t.tokenId()), t);
        }
        r.suppressed().forEach(services.observer()::suppressed);
        if (r.deduplicated()) {
            services.observer().revokeDeduplicated();
        }
        for (SpecificRecord out : r.records()) {
            if (out instanceof Finding f) {
                forward(f, Names.FINDINGS_SINK, f.getAgentId(), in.eventTime(), inputEventId);
                services.observer().finding(f);
                remembered |= memory.remember(f, in.call(), session.response().implicated());
            } else if (out instanceof RevokeCommand c) {
                forward(c, Names.REVOKE_COMMANDS_SINK, c.getAgentId(), in.eventTime(), inputEventId);
                services.observer().revokeCommand(c, services.clock().millis());
                if (c.getScope() == RevokeScope.SUSPEND) {
                    awaitApproval(c, in);
                    services.observer().approval("requested");
                }
            }
        }
        if (remembered) {
            putMemory(session.agentId(), memory);
        }
    }

    private FindingMemory memory(String agentId) {
        return memoryCache.computeIfAbsent(agentId, id -> {
            FindingMemory stored = memories.get(id);
            return stored == null ? new FindingMemory() : stored;
        });
    }

    private void putMemory(String agentId, FindingMemory m) {
        memories.put(agentId, m);
        memoryCache.put(agentId, m);
    }

    private void awaitApproval(RevokeCommand c, Responder.Input in) {
        long timeout = responder.approvals().timeoutMs();
        CredentialState credentials = intentStores.credentials(c.getAgentId());
        credentials.awaitApproval(new PendingApproval(c.getCommandId(), c.getSessionId(), c.getTokenIds(),
                c.getFindingIds(), c.getTriggerEventId(), c.getReason(), in.eventTime(), in.eventTime() + timeout,
                context().currentSystemTimeMs() + timeout));
        intentStores.putCredentials(c.getAgentId(), credentials);
        PendingApproval oldest = credentials.overflow();
        if (oldest != null) {
            // Bounded: the oldest of too many waiting approvals is decided by time-out at once.
            timeOut(c.getAgentId(), oldest, in.eventTime());
        }
    }

    /**
     * Revokes what approvals due at stream time {@code now} or wall-clock time {@code wallNow}
     * suspended, at stream time {@code streamTime} (when the time-out is noticed).
     */
    private void timeOutApprovals(long now, long wallNow, long streamTime) {
        for (String agentId : intentStores.agentsWithApprovalsDue(now, wallNow)) {
            for (PendingApproval p : intentStores.credentials(agentId).due(now, wallNow)) {
                timeOut(agentId, p, streamTime);
            }
        }
    }

    private void timeOut(String agentId, PendingApproval p, long streamTime) {
        CredentialState credentials = intentStores.credentials(agentId);
        credentials.decide(p.commandId());
        intentStores.putCredentials(agentId, credentials);
        String sessionKey = Names.key(agentId, p.sessionId());
        SessionState stored = session(sessionKey);
        SessionState s = stored != null ? stored : new SessionState(agentId, p.sessionId(), streamTime);
        Responder.Input in = input(s, null, p.commandId(), streamTime, baseline(agentId).state(), true);
        write(responder.timedOut(p, in, lookup(agentId)), in, null);
        services.observer().approval("timed_out");
        if (stored != null) {
            putSession(sessionKey, stored);
        }
    }

    /** Wall-clock fallback: only on a partition no record reached for a whole interval. */
    private void approvalsOnQuietPartition(long wallNow) {
        if (wallNow - lastRecordWallMs >= punctuateInterval.toMillis()) {
            timeOutApprovals(Long.MIN_VALUE, wallNow, Math.max(0, context().currentStreamTimeMs()));
        }
    }

    private TokenLookup lookup(String agentId) {
        return new TokenLookup() {
            @Override
            public TokenState own(String tokenId) {
                return tokens.get(Names.key(agentId, tokenId));
            }

            @Override
            public List<TokenState> live(SessionState session, long time) {
                return liveTokens(agentId, session, time);
            }

            @Override
            public Optional<TokenState> indexed(String tokenId) {
                return directory.lookup(tokenId);
            }

            @Override
            public String suspendedBy(String tokenId) {
                PendingApproval p = intentStores.credentials(agentId).suspending(tokenId);
                return p == null ? null : p.commandId();
            }
        };
    }

    private void forward(SpecificRecord value, String sink, String agentId, long time, String inputEventId) {
        RecordHeaders headers = new RecordHeaders();
        if (inputEventId != null) {
            headers.add(Names.INPUT_EVENT_HEADER, inputEventId.getBytes(StandardCharsets.UTF_8));
        }
        context().forward(new Record<Object, Object>(agentId, value, time, headers), sink);
    }

    /** Tokens of the agent (of one session when given) that are still usable at {@code time}. */
    private List<TokenState> liveTokens(String agentId, SessionState session, long time) {
        Set<String> sessionTokens = session == null ? Set.of() : session.activity().tokens();
        List<TokenState> out = new ArrayList<>();
        try (KeyValueIterator<String, TokenState> it = tokens.prefixScan(Names.agentPrefix(agentId),
                new StringSerializer())) {
            while (it.hasNext()) {
                TokenState t = it.next().value;
                boolean inScope = session == null || sessionTokens.contains(t.tokenId())
                        || session.sessionId().equals(t.sessionId());
                if (inScope && !t.isEndedAt(time)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private Baseline baseline(String agentId) {
        Baseline b = baselineCache.get(agentId);
        if (b == null) {
            b = baselines.get(agentId);
            if (b == null) {
                b = new Baseline();
            }
            baselineCache.put(agentId, b);
        }
        return b;
    }

    private SessionState session(String key) {
        SessionState s = sessionCache.get(key);
        if (s == null) {
            s = sessions.get(key);
            if (s != null) {
                sessionCache.put(key, s);
            }
        }
        return s;
    }

    private void putSession(String key, SessionState s) {
        sessions.put(key, s);
        sessionCache.put(key, s);
        index.session(key, s);
    }

    private void putToken(String key, TokenState t) {
        tokens.put(key, t);
        index.token(key, t);
    }

    private void storeBaseline(String agentId, Baseline b) {
        baselines.put(agentId, b);
        index.agent(agentId, b);
        baselineCache.put(agentId, b);
    }

    private void sweep(long now) {
        long start = System.nanoTime();
        timeOutApprovals(now, Long.MIN_VALUE, now);
        closeSessions(now);
        sweepTokens(now);
        reportState();
        services.observer().punctuated(System.nanoTime() - start);
    }

    /** Sessions that ended teach their agent's baseline what they can (see {@link Baseline#sessionEnded}). */
    private void closeSessions(long now) {
        for (String key : index.endedSessions(now, sessionEndAfterMs)) {
            SessionState s = session(key);
            if (s != null) {
                Baseline b = baseline(s.agentId());
                b.sessionEnded(s, now, baselinePolicy);
                storeBaseline(s.agentId(), b);
                taskEnded(s, now);
            }
            dropSession(key);
        }
    }

    private void dropSession(String key) {
        sessions.delete(key);
        sessionCache.remove(key);
        index.sessionClosed(key);
    }

    /**
     * What an ended session tells beside the agent's baseline: its task type's baseline learns it
     * (if clean), tokens still valid after its last call are standing exposure, the scopes its
     * tokens granted were used or not, and, at most once per report interval, the agent's
     * over-provisioned scopes.
     */
    private void taskEnded(SessionState s, long now) {
        String agentId = s.agentId();
        List<TokenState> sessionTokens = new ArrayList<>();
        for (String id : s.activity().tokens()) {
            TokenState t = tokens.get(Names.key(agentId, id));
            if (t != null) {
                sessionTokens.add(t);
            }
        }
        if (intentSettings.taskTypes().isEnabled()) {
            String taskType = sessionTokens.stream().map(t -> intentSettings.taskTypes().typeOf(t.purpose()))
                    .filter(Objects::nonNull).findFirst().orElse(null);
            TaskBaselines taskBaselines = intentStores.tasks(agentId);
            if (taskBaselines.sessionEnded(taskType, s, now, baselinePolicy, intentSettings.maxTaskTypes())) {
                intentStores.putTasks(agentId, taskBaselines);
            }
        }
        CredentialState credentials = intentStores.credentials(agentId);
        boolean changed = false;
        List<Detection> standing = new ArrayList<>();
        for (TokenState t : sessionTokens) {
            Optional<Detection> d = hygiene.standing(t, s.activity().lastSeen(), now);
            if (d.isPresent() && credentials.taskEnded(t.tokenId(), now, t.expiresAt())) {
                standing.add(d.get());
                changed = true;
            }
        }
        respond(standing, s, null, s.sessionId(), now, baseline(agentId).state(), false, null);
        if (s.response().isLearnable()) {
            Set<String> granted = new TreeSet<>();
            sessionTokens.stream().filter(t -> t.scopes() != null).forEach(t -> granted.addAll(t.scopes()));
            credentials.sessionEnded(granted, s.startedAt());
            changed |= !granted.isEmpty();
        }
        Map<String, Integer> unused = credentials.unusedScopes(intentSettings.unusedScopeSessions());
        if (!unused.isEmpty() && now - credentials.lastScopeReportAt() >= intentSettings.scopeReportIntervalMs()) {
            credentials.scopesReported(now);
            changed = true;
            SessionState agentLevel = new SessionState(agentId, null, now);
            respond(List.of(hygiene.unusedScopes(agentId, unused, intentSettings.unusedScopeSessions())),
                    agentLevel, null, "scope-report@" + now, now, baseline(agentId).state(), false, null);
        }
        if (changed) {
            intentStores.putCredentials(agentId, credentials);
        }
    }

    /**
     * Purges tokens ended longer than the retention ago (and removes them from the token
     * index), and reports revocations the broker has not confirmed within the timeout.
     */
    private void sweepTokens(long now) {
        for (String key : index.tokensToPurge(now, retentionMs)) {
            TokenState t = tokens.get(key);
            tokens.delete(key);
            index.tokenPurged(key);
            if (t != null) {
                forwardIndex(t.tokenId(), null, now);
            }
        }
        for (String key : index.unconfirmedRevocations(now, settings.confirmTimeoutMs())) {
            TokenState t = tokens.get(key);
            if (t == null) {
                index.tokenPurged(key);
                continue;
            }
            t.markUnconfirmedReported();
            putToken(key, t);
            reportUnconfirmed(t, now);
        }
    }

    /** The broker did not act on a command in time: an analyst must know; no new command (it was sent). */
    private void reportUnconfirmed(TokenState t, long now) {
        Detection d = Detection.of(Detection.RESPONSE, "revoke.unconfirmed", Severity.HIGH, 50)
                .summary("the credential broker has not confirmed revoking token " + t.tokenId() + " of "
                        + t.agentId() + " " + Duration.ofMillis(now - t.commandAt()).toSeconds()
                        + " s after command " + t.commandId() + "; later calls with it are flagged")
                .revoke(RevokeScope.TOKEN).token(t.tokenId()).key("revoke.unconfirmed:" + t.tokenId())
                .note("command " + t.commandId()).build();
        String sessionId = t.sessionId() == null ? t.tokenId() : t.sessionId();
        String sessionKey = Names.key(t.agentId(), sessionId);
        SessionState stored = session(sessionKey);
        SessionState s = stored != null ? stored : new SessionState(t.agentId(), sessionId, now);
        respond(List.of(d), s, null, t.commandId(), now, baseline(t.agentId()).state(), false, null);
        if (stored != null) {
            putSession(sessionKey, stored);
        }
    }

    private void reportState() {
        String task = context().taskId().toString();
        services.observer().agents(task, index.learningAgents(), index.activeAgents());
        services.observer().storeEntries(task, Names.TOKENS_STORE, index.tokenCount());
        services.observer().storeEntries(task, Names.SESSIONS_STORE, index.sessionCount());
        services.observer().storeEntries(task, Names.BASELINES_STORE, index.baselineCount());
        services.observer().storeEntries(task, Names.TASK_BASELINES_STORE, intentStores.taskEntries());
        services.observer().storeEntries(task, Names.CREDENTIALS_STORE, intentStores.credentialEntries());
    }
}
