package io.agentwatch.topology;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.model.Call;
import io.agentwatch.detect.ChainDetector;
import io.agentwatch.detect.CredentialDetector;
import io.agentwatch.detect.DelegationDetector;
import io.agentwatch.detect.Detection;
import io.agentwatch.detect.DetectionSettings;
import io.agentwatch.detect.RateDetector;
import io.agentwatch.detect.ScopeDriftDetector;
import io.agentwatch.detect.TokenDirectory;
import io.agentwatch.respond.ResponsePolicy;
import io.agentwatch.respond.Responses;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * stream-time order, owns the tokens, sessions and baselines stores, asks each detector for
 * its verdict on the call, lets the response policy decide, and publishes findings and revoke
 * commands while the triggering call is being processed. A stream-time sweep closes idle
 * sessions (learning the clean ones), purges ended tokens, and reports revocations the broker
 * did not confirm.
 */
public final class AgentMonitor extends ContextualProcessor<String, SpecificRecord, Object, Object> {
    /** Deserialized baselines kept in memory; this task is their only writer, so the cache stays exact. */
    private static final int BASELINE_CACHE_SIZE = 10_000;
    private static final int SESSION_CACHE_SIZE = 10_000;

    private final MonitorServices services;
    private final DetectionSettings settings;
    private final BaselinePolicy baselinePolicy;
    private final ResponsePolicy policy;
    private final long idleTimeoutMs;
    private final long retentionMs;
    private final Duration punctuateInterval;
    private final CredentialDetector credential;
    private final DelegationDetector delegation = new DelegationDetector();
    private final ScopeDriftDetector drift;
    private final ChainDetector chain;
    private final RateDetector rate;

    private KeyValueStore<String, TokenState> tokens;
    private KeyValueStore<String, SessionState> sessions;
    private KeyValueStore<String, Baseline> baselines;
    private TokenDirectory directory;
    private final SweepIndex index = new SweepIndex();
    private final Map<String, Baseline> baselineCache = lruCache(BASELINE_CACHE_SIZE);
    /** Deserialized open sessions; writes still go to the store on every call, reads skip decoding. */
    private final Map<String, SessionState> sessionCache = lruCache(SESSION_CACHE_SIZE);

    public AgentMonitor(MonitorServices services, DetectionSettings settings, BaselinePolicy baselinePolicy,
                        ResponsePolicy policy, Duration idleTimeout, Duration retention, Duration punctuateInterval) {
        this.services = services;
        this.settings = settings;
        this.baselinePolicy = baselinePolicy;
        this.policy = policy;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.retentionMs = retention.toMillis();
        this.punctuateInterval = punctuateInterval;
        this.credential = new CredentialDetector(settings);
        this.drift = new ScopeDriftDetector(settings);
        this.chain = new ChainDetector(settings);
        this.rate = new RateDetector(settings);
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
        tokens = context.getStateStore(Names.TOKENS_STORE);
        sessions = context.getStateStore(Names.SESSIONS_STORE);
        baselines = context.getStateStore(Names.BASELINES_STORE);
        KeyValueStore<String, TokenIssued> tokenIndex = context.getStateStore(Names.TOKEN_INDEX_STORE);
        directory = tokenId -> lookupIndex(tokenIndex, tokenId);
        this.index.rebuild(sessions, tokens, baselines);
        context.schedule(punctuateInterval, PunctuationType.STREAM_TIME, this::sweep);
    }

    private static Optional<TokenState> lookupIndex(KeyValueStore<String, TokenIssued> store, String tokenId) {
        return Optional.ofNullable(store.get(tokenId)).map(TokenState::of);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        long start = System.nanoTime();
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
        }
        services.observer().recordProcessed(System.nanoTime() - start);
    }

    /** An operator's reset (agent.baseline-resets): the agent's baseline starts again from LEARNING. */
    private void resetBaseline(String agentId) {
        baselines.delete(agentId);
        baselineCache.remove(agentId);
        index.agent(agentId, null);
    }

    private void onToolCall(Call call) {
        String sessionKey = Names.key(call.agentId(), call.sessionId());
        SessionState session = session(sessionKey);
        if (session == null) {
            session = new SessionState(call.agentId(), call.sessionId(), call.time());
        }
        TokenState token = call.tokenId() == null ? null : tokens.get(Names.key(call.agentId(), call.tokenId()));
        Baseline baseline = baseline(call.agentId());

        List<Detection> detections = new ArrayList<>(credential.inspect(call, token, directory, session));
        if (call.outcome() != Outcome.DENIED) {
            detections.addAll(drift.inspect(call, session, baseline));
            detections.addAll(chain.inspect(call, session, baseline, token));
            rate.inspect(call, session, baseline).ifPresent(detections::add);
        }
        session.record(call, settings.rateWindowMs());
        respondAt(detections, call, session, baseline, call.eventId(), true, call.time());
        putSession(sessionKey, session);
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
        SessionState session = state.sessionId() == null ? null
                : session(Names.key(t.getAgentId(), state.sessionId()));
        if (session != null) {
            // A token issued for an open session (a refresh) keeps it open: otherwise the session
            // closes when its first token expires and forgets what it read before the refresh.
            session.useToken(state.tokenId());
            putSession(Names.key(t.getAgentId(), state.sessionId()), session);
        }
        Optional<Detection> d = delegation.inspect(state, directory, state.issuedAt());
        if (d.isPresent()) {
            Finding f = respondToToken(d.get(), state, session);
            if (f != null && ResponsePolicy.isRevoke(f.getAction()) && !policy.settings().dryRun()) {
                revokeDelegator(state, f);
            }
        }
    }

    private Finding respondToToken(Detection d, TokenState token, SessionState session) {
        SessionState s = session != null ? session
                : new SessionState(token.agentId(), token.sessionId() == null ? token.tokenId() : token.sessionId(),
                token.issuedAt());
        Finding f = respondAt(List.of(d), null, s, baseline(token.agentId()), token.tokenId(), true,
                token.issuedAt());
        if (session != null) {
            putSession(Names.key(token.agentId(), session.sessionId()), session);
        }
        return f;
    }

    /**
     * A delegator that hands out broader rights than it holds was steered into it: its own
     * token goes too. The delegator's session lives in another task, so this command cannot be
     * de-duplicated against that task's state; it is emitted once, when the escalated token is
     * issued, and its id (agent, TOKEN, token) lets the broker drop a repeat.
     */
    private void revokeDelegator(TokenState escalated, Finding finding) {
        TokenState.Delegator delegator = escalated.actorChain().get(0);
        Optional<TokenState> parent = directory.lookup(delegator.tokenId());
        if (parent.isEmpty() || parent.get().agentId().equals(escalated.agentId())) {
            return;
        }
        TokenState t = parent.get();
        RevokeCommand c = Responses.command(t.agentId(), RevokeScope.TOKEN, t.tokenId(), List.of(t.tokenId()),
                t.sessionId(), finding, null, escalated.issuedAt(), Math.max(t.expiresAt(), escalated.issuedAt()),
                policy.settings().signingKey());
        forward(c, Names.REVOKE_COMMANDS_SINK, t.agentId(), escalated.issuedAt(), null);
        services.observer().revokeCommand(c, services.clock().millis());
    }

    private void onTokenRevoked(TokenRevoked r) {
        String key = Names.key(r.getAgentId(), r.getTokenId());
        long at = r.getRevokedAt().toEpochMilli();
        TokenState state = tokens.get(key);
        if (state == null) {
            // Revoked before (or without) an issuance we saw: remember it, so a later call with it is flagged.
            state = TokenState.of(TokenIssued.newBuilder().setTokenId(r.getTokenId()).setAgentId(r.getAgentId())
                    .setIssuedAt(r.getRevokedAt()).setExpiresAt(r.getRevokedAt().plusMillis(retentionMs)).build());
        }
        state.revoke(at, r.getReason());
        putToken(key, state);
        forwardIndex(r.getTokenId(), null, at);
    }

    private void forwardIndex(String tokenId, TokenIssued value, long time) {
        context().forward(new Record<Object, Object>(tokenId, value, time), Names.TOKEN_INDEX_SINK);
    }

    /**
     * Suppression, risk, action and finding for each detection of one event, then at most one
     * revoke command for the widest revoke decided (when no earlier command of the session
     * covers it), all before the next record is processed. One event is one incident: a call
     * that both breaks its token's boundaries (revoke the token) and completes an exfiltration
     * chain (revoke the session) yields one command, the session's, not two.
     */
    private Finding respondAt(List<Detection> detections, Call call, SessionState session, Baseline baseline,
                              String trigger, boolean mayRevoke, long eventTime) {
        String agentId = session.agentId();
        List<Finding> findings = new ArrayList<>();
        Action widest = null;
        Detection revokeDetection = null;
        Finding revokeFinding = null;
        for (Detection d : detections) {
            Suppressions.Rule suppressed = services.suppressions().match(agentId, call == null ? null : call.tool(),
                    call == null ? null : call.boundary(), d.rule());
            if (suppressed != null) {
                services.observer().suppressed(d.rule());
                continue;
            }
            session.addRisk(d.score(), d.severity());
            Action action = policy.decide(d, call, session.risk());
            List<String> notes = new ArrayList<>();
            if (!mayRevoke && ResponsePolicy.isRevoke(action)) {
                action = Action.ALERT;
            }
            if (policy.settings().dryRun() && ResponsePolicy.isRevoke(action)) {
                notes.add("dry run: no revoke command published");
            }
            Finding finding = Responses.finding(d, agentId, session.sessionId(), trigger, action, session.risk(),
                    baseline.state(), eventTime, services.clock().millis(), notes);
            findings.add(finding);
            if (ResponsePolicy.isRevoke(action) && !policy.settings().dryRun()
                    && (widest == null || action.ordinal() > widest.ordinal())) {
                widest = action;
                revokeDetection = d;
                revokeFinding = finding;
            }
        }
        RevokeCommand command = null;
        if (widest != null) {
            command = command(ResponsePolicy.scopeOf(widest), revokeDetection, session, revokeFinding,
                    call == null ? null : call.eventId(), eventTime);
            if (command == null) {
                services.observer().revokeDeduplicated();
            }
        }
        String inputEventId = call == null ? null : call.eventId();
        for (Finding finding : findings) {
            forward(finding, Names.FINDINGS_SINK, agentId, eventTime, inputEventId);
            services.observer().finding(finding);
            if (command != null && finding == revokeFinding) {
                forward(command, Names.REVOKE_COMMANDS_SINK, agentId, eventTime, inputEventId);
                services.observer().revokeCommand(command, services.clock().millis());
            }
        }
        return revokeFinding;
    }

    private void forward(SpecificRecord value, String sink, String agentId, long time, String inputEventId) {
        RecordHeaders headers = new RecordHeaders();
        if (inputEventId != null) {
            headers.add(Names.INPUT_EVENT_HEADER, inputEventId.getBytes(StandardCharsets.UTF_8));
        }
        context().forward(new Record<Object, Object>(agentId, value, time, headers), sink);
    }

    /**
     * The revoke command for this incident, or null when an earlier command already covers it
     * (the same or a wider scope in this session, or every token already ordered revoked).
     * A TOKEN revoke with no token of this agent to name widens to the session.
     */
    private RevokeCommand command(RevokeScope scope, Detection d, SessionState session, Finding finding,
                                  String triggerEventId, long eventTime) {
        String agentId = session.agentId();
        List<TokenState> covered = new ArrayList<>();
        if (scope == RevokeScope.TOKEN) {
            for (String id : d.tokenIds()) {
                TokenState t = tokens.get(Names.key(agentId, id));
                if (t != null) {
                    covered.add(t);
                }
            }
            if (covered.isEmpty()) {
                scope = RevokeScope.SESSION;
            } else if (covered.stream().allMatch(t -> t.commandId() != null) || session.revokeLevel() >= 2) {
                return null;
            }
        }
        int level = scope.ordinal() + 1;
        if (scope != RevokeScope.TOKEN) {
            if (session.revokeLevel() >= level) {
                return null;
            }
            covered = liveTokens(agentId, scope == RevokeScope.SESSION ? session : null, eventTime);
        }
        List<String> ids = covered.stream().map(TokenState::tokenId).toList();
        String incident = switch (scope) {
            case TOKEN -> String.join(",", new java.util.TreeSet<>(ids));
            case SESSION, AGENT -> session.sessionId();
        };
        long expires = covered.stream().mapToLong(TokenState::expiresAt).max()
                .orElse(eventTime + policy.settings().commandTtlMs());
        RevokeCommand c = Responses.command(agentId, scope, incident, ids, session.sessionId(), finding,
                triggerEventId, eventTime, Math.max(expires, eventTime), policy.settings().signingKey());
        if (scope != RevokeScope.TOKEN) {
            session.revokeLevel(level);
        }
        for (TokenState t : covered) {
            t.revocationOrdered(c.getCommandId(), eventTime);
            putToken(Names.key(agentId, t.tokenId()), t);
        }
        return c;
    }

    /** Tokens of the agent (of one session when given) that are still usable at {@code time}. */
    private List<TokenState> liveTokens(String agentId, SessionState session, long time) {
        Set<String> sessionTokens = session == null ? Set.of() : new LinkedHashSet<>(session.tokens());
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
        closeSessions(now);
        sweepTokens(now);
        reportState();
        services.observer().punctuated(System.nanoTime() - start);
    }

    private void closeSessions(long now) {
        for (String key : index.endedSessions(now, idleTimeoutMs)) {
            SessionState s = session(key);
            if (s != null && s.isLearnable()) {
                Baseline b = baseline(s.agentId());
                b.learn(s, now, baselinePolicy);
                storeBaseline(s.agentId(), b);
            }
            sessions.delete(key);
            sessionCache.remove(key);
            index.sessionClosed(key);
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
                .revoke(RevokeScope.TOKEN).token(t.tokenId()).note("command " + t.commandId()).build();
        String sessionId = t.sessionId() == null ? t.tokenId() : t.sessionId();
        SessionState stored = session(Names.key(t.agentId(), sessionId));
        SessionState s = stored != null ? stored : new SessionState(t.agentId(), sessionId, now);
        respondAt(List.of(d), null, s, baseline(t.agentId()), t.commandId(), false, now);
        if (stored != null) {
            putSession(Names.key(t.agentId(), sessionId), stored);
        }
    }

    private void reportState() {
        String task = context().taskId().toString();
        services.observer().agents(task, index.learningAgents(), index.activeAgents());
        services.observer().storeEntries(task, Names.TOKENS_STORE, tokens.approximateNumEntries());
        services.observer().storeEntries(task, Names.SESSIONS_STORE, sessions.approximateNumEntries());
        services.observer().storeEntries(task, Names.BASELINES_STORE, baselines.approximateNumEntries());
    }
}
