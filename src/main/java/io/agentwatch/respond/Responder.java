package io.agentwatch.respond;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.detect.Detection;
import io.agentwatch.model.Call;
import io.agentwatch.state.ResponseMemory;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;

/**
 * The response step, the one place that acts on detections. For the detections of one event it
 * drops what the session already raised, applies suppressions, accumulates risk, asks the
 * policy for an action, and produces the findings and at most one revoke command for this
 * agent: the widest revoke decided, unless an earlier command of the session already covers it
 * (one incident, one command), and none in dry-run mode. Every finding says what was done
 * ({@code action}) and why not more ({@code disposition}); every finding whose action is a
 * revoke is listed in exactly one command. Tokens of other agents that a detection shows to be
 * stolen or misused get a TOKEN command of their own, addressed to their owner.
 *
 * <p>Pure: it reads the session and the tokens and returns what to publish and remember; the
 * processor stores and forwards.
 */
public final class Responder {
    private final ResponsePolicy policy;
    private final Suppressions suppressions;

    /**
     * One event's context.
     *
     * @param call       the call being processed, or null when a token event or a sweep triggered the detections
     * @param trigger    the event id (call), token id (token event) or command id (sweep) the findings are about
     * @param eventTime  stream time of the event
     * @param detectedAt wall clock, for detected_at
     * @param mayRevoke  false for findings of the stream-time sweep: they can alert but not revoke
     * @param analystSuppressions the agent's suppressions from analysts' false-positive verdicts, unexpired
     */
    public record Input(SessionState session, Call call, String trigger, long eventTime, long detectedAt,
                        BaselineState baselineState, boolean mayRevoke, List<Suppressions.Rule> analystSuppressions) {
    }

    /** A detection with what was decided for it. */
    private static final class Decision {
        final Detection detection;
        Action action;
        Disposition disposition = Disposition.TAKEN;
        final List<String> notes = new ArrayList<>();
        Finding finding;

        Decision(Detection detection, Action action) {
            this.detection = detection;
            this.action = action;
        }
    }

    public Responder(ResponsePolicy policy, Suppressions suppressions) {
        this.policy = policy;
        this.suppressions = suppressions;
    }

    public ResponseSettings settings() {
        return policy.settings();
    }

    public Response respond(List<Detection> detections, Input in, TokenLookup tokens) {
        SessionState session = in.session();
        ResponseMemory memory = session.response();
        String agentId = session.agentId();
        Call call = in.call();

        List<String> raised = new ArrayList<>();
        List<String> suppressed = new ArrayList<>();
        Set<String> implicated = new LinkedHashSet<>();
        List<Decision> decisions = new ArrayList<>();
        int risk = 0;
        double drift = 0;
        int driftEvents = 0;
        Severity max = null;
        for (Detection d : fresh(detections, memory, raised)) {
            String tool = call == null ? null : call.tool();
            String boundary = call == null ? null : call.boundary();
            List<String> destinations = call == null ? List.of() : call.destinations();
            Suppressions.Rule rule = suppressions.match(agentId, tool, boundary, destinations, d.rule());
            if (rule == null) {
                rule = Suppressions.first(in.analystSuppressions(), agentId, tool, boundary, destinations, d.rule());
            }
            if (rule != null) {
                Decision s = new Decision(d, Action.NONE);
                s.disposition = Disposition.SUPPRESSED;
                s.notes.add("suppressed" + (rule.reason() == null ? "" : ": " + rule.reason()));
                decisions.add(s);
                suppressed.add(d.rule());
                continue;
            }
            risk += d.score();
            drift += d.drift();
            driftEvents += d.drift() > 0 ? 1 : 0;
            max = max == null || d.severity().ordinal() > max.ordinal() ? d.severity() : max;
            Action action = policy.decide(d, call, Math.min(1000, memory.risk() + risk));
            if (!in.mayRevoke() && ResponsePolicy.isRevoke(action)) {
                action = Action.ALERT;
            }
            decisions.add(new Decision(d, action));
        }

        List<Decision> revoking = decisions.stream().filter(x -> ResponsePolicy.isRevoke(x.action)).toList();
        Decision widest = revoking.stream().max((a, b) -> Integer.compare(a.action.ordinal(), b.action.ordinal()))
                .orElse(null);
        Covered covered = null;
        boolean deduplicated = false;
        if (widest != null && settings().dryRun()) {
            for (Decision x : revoking) {
                x.notes.add("dry run: " + x.action + " decided, no revoke command published");
                x.action = Action.ALERT;
                x.disposition = Disposition.DRY_RUN;
            }
        } else if (widest != null) {
            covered = cover(ResponsePolicy.scopeOf(widest.action), revoking, session, tokens, in.eventTime());
            deduplicated = covered == null;
            for (Decision x : revoking) {
                if (covered == null) {
                    x.notes.add("an earlier revoke command of this session already covers it");
                    x.action = Action.ALERT;
                    x.disposition = Disposition.DEDUPLICATED;
                } else {
                    x.action = actionOf(covered.scope());
                }
            }
        }
        buildFindings(decisions, in, memory.risk());
        RevokeCommand command = covered == null ? null : command(covered, widest, revoking, in);
        // Destinations are implicated by the revoke that stops the harm, not by findings about
        // calls made after it (those are the session going on, legitimate parties included).
        for (Decision x : revoking) {
            if (x.disposition != Disposition.DEDUPLICATED) {
                implicated.addAll(x.detection.implicates());
            }
        }

        List<SpecificRecord> records = new ArrayList<>();
        for (Decision x : decisions) {
            records.add(x.finding);
            if (command != null && x == widest) {
                records.add(command);
            }
            if (ResponsePolicy.isRevoke(x.action) || (x.disposition == Disposition.DEDUPLICATED)) {
                records.addAll(otherAgentsCommands(x, agentId, tokens, in));
            }
        }
        RevokeScope revokedScope = covered == null || covered.scope() == RevokeScope.TOKEN ? null : covered.scope();
        ResponseMemory.Update update = new ResponseMemory.Update(raised, risk, max, drift, driftEvents, revokedScope,
                List.copyOf(implicated));
        return new Response(records, command, update, covered == null ? List.of() : covered.tokens(), suppressed,
                deduplicated);
    }

    /** The command for what {@code covered} names, listing every revoking finding, the widest first. */
    private RevokeCommand command(Covered covered, Decision widest, List<Decision> revoking, Input in) {
        List<String> findingIds = new ArrayList<>();
        findingIds.add(widest.finding.getFindingId());
        revoking.stream().filter(x -> x != widest).forEach(x -> findingIds.add(x.finding.getFindingId()));
        // Never born stale: a broker must not drop a command whose tokens expired a moment ago.
        long expires = Math.max(covered.tokens().stream().mapToLong(TokenState::expiresAt).max().orElse(0),
                in.eventTime() + settings().commandTtlMs());
        return Responses.command(in.session().agentId(), covered.scope(), covered.incident(),
                covered.tokens().stream().map(TokenState::tokenId).toList(), in.session().sessionId(), findingIds,
                widest.finding.getSummary(), in.call() == null ? null : in.call().eventId(), in.eventTime(),
                expires, settings().signer());
    }

    /**
     * The detections whose key the session has not raised yet (their keys are added to
     * {@code raised}), one per rule: two of the same rule about the same event are merged.
     */
    private static List<Detection> fresh(List<Detection> detections, ResponseMemory memory, List<String> raised) {
        Map<String, Detection> byRule = new LinkedHashMap<>();
        for (Detection d : detections) {
            if (d.key() != null) {
                if (memory.raised(d.key()) || raised.contains(d.key())) {
                    continue;
                }
                raised.add(d.key());
            }
            byRule.merge(d.detector() + "/" + d.rule(), d, Detection::mergedWith);
        }
        return List.copyOf(byRule.values());
    }

    /** What a command of {@code scope} would revoke, or null when earlier commands already cover it. */
    private record Covered(RevokeScope scope, String incident, List<TokenState> tokens) {
    }

    /**
     * A TOKEN revoke names this agent's tokens the revoking detections name; with none of this
     * agent's tokens to name it widens to the session. A SESSION or AGENT revoke covers the live
     * tokens of the session or the agent. Null when the session was already revoked as widely,
     * or every named token already has a command.
     */
    private static Covered cover(RevokeScope scope, List<Decision> revoking, SessionState session, TokenLookup tokens,
                                 long time) {
        RevokeScope already = session.response().revoked();
        if (scope == RevokeScope.TOKEN) {
            Map<String, TokenState> named = new LinkedHashMap<>();
            for (Decision x : revoking) {
                for (String id : x.detection.tokenIds()) {
                    TokenState t = tokens.own(id);
                    if (t != null) {
                        named.putIfAbsent(id, t);
                    }
                }
            }
            if (!named.isEmpty()) {
                if (already != null || named.values().stream().allMatch(t -> t.commandId() != null)) {
                    return null;
                }
                List<TokenState> covered = List.copyOf(named.values());
                return new Covered(scope, String.join(",", new TreeSet<>(named.keySet())), covered);
            }
            scope = RevokeScope.SESSION;
        }
        if (already != null && already.ordinal() >= scope.ordinal()) {
            return null;
        }
        List<TokenState> live = tokens.live(scope == RevokeScope.SESSION ? session : null, time);
        return new Covered(scope, session.sessionId(), live);
    }

    /** TOKEN commands to the owners of other agents' tokens this finding names. */
    private List<RevokeCommand> otherAgentsCommands(Decision x, String agentId, TokenLookup tokens, Input in) {
        List<RevokeCommand> out = new ArrayList<>();
        for (String id : x.detection.otherAgentsTokens()) {
            TokenState t = tokens.indexed(id).orElse(null);
            if (t == null || t.agentId().equals(agentId)) {
                continue;
            }
            out.add(Responses.command(t.agentId(), RevokeScope.TOKEN, t.tokenId(), List.of(t.tokenId()),
                    t.sessionId(), List.of(x.finding.getFindingId()), x.finding.getSummary(),
                    in.call() == null ? null : in.call().eventId(), in.eventTime(),
                    Math.max(t.expiresAt(), in.eventTime() + settings().commandTtlMs()), settings().signer()));
        }
        return out;
    }

    private void buildFindings(List<Decision> decisions, Input in, int riskBefore) {
        int risk = riskBefore;
        for (Decision x : decisions) {
            if (x.disposition != Disposition.SUPPRESSED) {
                risk = Math.min(1000, risk + x.detection.score());
            }
            x.finding = Responses.finding(x.detection, in.session().agentId(), in.session().sessionId(), in.trigger(),
                    x.action, x.disposition, risk, in.baselineState(), in.eventTime(), in.detectedAt(),
                    in.call() == null ? List.of() : in.call().destinations(), x.notes);
        }
    }

    private static Action actionOf(RevokeScope scope) {
        return switch (scope) {
            case TOKEN -> Action.REVOKE_TOKEN;
            case SESSION -> Action.REVOKE_SESSION;
            case AGENT -> Action.REVOKE_AGENT;
        };
    }
}
