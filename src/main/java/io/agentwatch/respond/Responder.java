package io.agentwatch.respond;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.detect.Detection;
import io.agentwatch.model.Call;
import io.agentwatch.state.PendingApproval;
import io.agentwatch.state.ResponseMemory;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>Step-up approval ({@link ApprovalPolicy}): when nothing revokes, a high-impact call of a
 * configured kind rated MEDIUM suspends its token (a SUSPEND command, findings REQUIRE_APPROVAL)
 * until a person decides; {@link #decided} turns the decision into a RESUME command or a revoke,
 * {@link #timedOut} revokes when nobody decided in time.
 *
 * <p>Pure: it reads the session and the tokens and returns what to publish and remember; the
 * processor stores and forwards.
 */
public final class Responder {
    private final ResponsePolicy policy;
    private final Suppressions suppressions;
    private final ApprovalPolicy approvals;

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
        /** The same event, for findings that only report: no call, nothing revoked. */
        Input reportOnly() {
            return new Input(session, null, trigger, eventTime, detectedAt, baselineState, false, analystSuppressions);
        }
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
        this(policy, suppressions, ApprovalPolicy.OFF);
    }

    public Responder(ResponsePolicy policy, Suppressions suppressions, ApprovalPolicy approvals) {
        this.policy = policy;
        this.suppressions = suppressions;
        this.approvals = approvals;
    }

    public ResponseSettings settings() {
        return policy.settings();
    }

    public ApprovalPolicy approvals() {
        return approvals;
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
        String tool = call == null ? null : call.tool();
        String boundary = call == null ? null : call.boundary();
        List<String> destinations = call == null ? List.of() : call.destinations();
        for (Detection d : fresh(detections, memory, raised)) {
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
        Hold hold = widest == null ? stepUp(decisions, in, tokens) : null;
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
        Decision anchor = widest;
        if (hold != null) {
            command = suspend(hold, in);
            anchor = hold.held().get(0);
        }
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
            if (command != null && x == anchor) {
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

    /** Findings held for approval, and the token their call presented (to be suspended). */
    private record Hold(ApprovalPolicy.Kind kind, List<Decision> held, TokenState token) {
    }

    /**
     * Step-up approval, when no revoke was decided: a call of a configured high-impact kind whose
     * findings are ALERTs (MEDIUM), or a first payment or message to a new party after untrusted
     * input, holds them for approval. Null when there is nothing to hold or no token to suspend,
     * when the token already waits for a decision, or in dry-run mode (the findings say which).
     * Only against an ACTIVE baseline: while an agent is learning every action is new, a person
     * would be asked about each first payment, and a time-out's revoke would keep the baseline
     * from ever learning it.
     */
    private Hold stepUp(List<Decision> decisions, Input in, TokenLookup tokens) {
        Call call = in.call();
        if (!approvals.isOn() || call == null || !in.mayRevoke() || in.baselineState() != BaselineState.ACTIVE) {
            return null;
        }
        ApprovalPolicy.Kind kind = approvals.kindOf(call, in.session(),
                decisions.stream().map(x -> x.detection).toList());
        if (kind == null) {
            return null;
        }
        List<Decision> held = decisions.stream().filter(x -> x.disposition != Disposition.SUPPRESSED
                && (x.action == Action.ALERT
                || (kind == ApprovalPolicy.Kind.NEW_PARTY && ApprovalPolicy.namesNewParty(x.detection)))).toList();
        if (held.isEmpty()) {
            return null;
        }
        String why = "step-up approval (" + kind.label() + ")";
        TokenState token = call.tokenId() == null ? null : tokens.own(call.tokenId());
        String blocker = token == null || token.isEndedAt(in.eventTime()) ? "no valid token of its own to suspend"
                : in.session().response().revoked() != null ? "the session is already revoked" : null;
        String waiting = blocker == null ? tokens.suspendedBy(token.tokenId()) : null;
        for (Decision x : held) {
            if (blocker != null) {
                x.notes.add(why + " not possible: " + blocker);
            } else if (waiting != null) {
                x.action = Action.ALERT;
                x.disposition = Disposition.DEDUPLICATED;
                x.notes.add(why + ": the token already waits for a decision on command " + waiting);
            } else if (settings().dryRun()) {
                x.action = Action.ALERT;
                x.disposition = Disposition.DRY_RUN;
                x.notes.add("dry run: REQUIRE_APPROVAL decided, no suspend command published");
            } else {
                x.action = Action.REQUIRE_APPROVAL;
                x.notes.add(why + ": token " + token.tokenId() + " suspended until a person decides; revoked after "
                        + Duration.ofMillis(approvals.timeoutMs()).toMinutes() + " min without a decision");
            }
        }
        return blocker != null || waiting != null || settings().dryRun() ? null : new Hold(kind, held, token);
    }

    /** The SUSPEND command for a hold: the call's token, until a person decides. */
    private RevokeCommand suspend(Hold hold, Input in) {
        TokenState t = hold.token();
        List<String> findingIds = hold.held().stream().map(x -> x.finding.getFindingId()).toList();
        long expires = Math.max(t.expiresAt(), in.eventTime() + settings().commandTtlMs());
        // The incident is the token at this call: the same token held again later is a new suspension.
        return Responses.command(in.session().agentId(), RevokeScope.SUSPEND, t.tokenId() + "@" + in.call().eventId(),
                List.of(t.tokenId()), in.session().sessionId(), findingIds, hold.held().get(0).finding.getSummary(),
                in.call().eventId(), in.eventTime(), expires, settings().signer());
    }

    /**
     * A person decided on the suspension {@code pending} asked for. APPROVE: a finding naming them
     * and a RESUME command for the suspended tokens. DENY: the session is revoked (the suspended
     * tokens with it), the finding naming them. {@code in} carries the decision's time and the
     * session (as stored, or a fresh one when it has ended).
     */
    public Response decided(ApprovalDecision d, PendingApproval pending, Input in, TokenLookup tokens) {
        boolean approved = d.getVerdict() == ApprovalVerdict.APPROVE;
        String who = d.getApprover() + (d.getReason() == null ? "" : " (\"" + d.getReason() + "\")");
        Detection.Builder b = approved
                ? Detection.of(Detection.RESPONSE, "approval.approved", Severity.LOW, 0)
                        .summary(who + " approved " + pending.reason() + "; token(s) " + pending.tokenIds() + " resume")
                        .revoke(RevokeScope.TOKEN)
                : Detection.of(Detection.RESPONSE, "approval.denied", Severity.HIGH, 80)
                        .summary(who + " denied " + pending.reason() + "; the session is revoked")
                        .revoke(RevokeScope.SESSION);
        b.event(pending.triggerEventId()).key("approval:" + pending.commandId())
                .note("decision " + d.getDecisionId() + " on command " + pending.commandId() + " by " + d.getApprover());
        pending.tokenIds().forEach(b::token);
        Response r = respond(List.of(b.build()), approved ? in.reportOnly() : in, tokens);
        r.records().stream().filter(x -> x instanceof Finding).forEach(f -> ((Finding) f).setDecidedBy(d.getApprover()));
        if (!approved) {
            return r;
        }
        Finding f = (Finding) r.records().get(0);
        long expires = pending.tokenIds().stream().map(tokens::own).filter(Objects::nonNull)
                .mapToLong(TokenState::expiresAt).max().orElse(0);
        RevokeCommand resume = Responses.command(in.session().agentId(), RevokeScope.RESUME, pending.commandId(),
                pending.tokenIds(), pending.sessionId(), List.of(f.getFindingId()), f.getSummary(),
                pending.triggerEventId(), in.eventTime(), Math.max(expires, in.eventTime() + settings().commandTtlMs()),
                settings().signer());
        List<SpecificRecord> records = new ArrayList<>(r.records());
        records.add(resume);
        return new Response(records, resume, r.memory(), List.of(), r.suppressed(), false);
    }

    /** Nobody decided on {@code pending} in time: the session is revoked. */
    public Response timedOut(PendingApproval pending, Input in, TokenLookup tokens) {
        Detection.Builder b = Detection.of(Detection.RESPONSE, "approval.timeout", Severity.HIGH, 80)
                .summary("nobody decided within " + Duration.ofMillis(approvals.timeoutMs()).toMinutes()
                        + " min on " + pending.reason() + " (command " + pending.commandId() + "); the session is revoked")
                .revoke(RevokeScope.SESSION).event(pending.triggerEventId()).key("approval:" + pending.commandId());
        pending.tokenIds().forEach(b::token);
        return respond(List.of(b.build()), in, tokens);
    }

    /** A decision that answers no waiting suspension (decided before, timed out, or unknown): for the analyst. */
    public Response unmatched(ApprovalDecision d, Input in, TokenLookup tokens) {
        Detection det = Detection.of(Detection.RESPONSE, "approval.unmatched", Severity.LOW, 0)
                .summary(d.getApprover() + "'s decision " + d.getVerdict() + " on command " + d.getCommandId()
                        + " answers no suspension waiting for one (already decided, timed out, or unknown)")
                .revoke(RevokeScope.TOKEN).key("approval.unmatched:" + d.getDecisionId())
                .note("decision " + d.getDecisionId()).build();
        Response r = respond(List.of(det), in.reportOnly(), tokens);
        r.records().stream().filter(x -> x instanceof Finding).forEach(f -> ((Finding) f).setDecidedBy(d.getApprover()));
        return r;
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
            case SUSPEND, RESUME -> throw new IllegalArgumentException(scope + " is not a revoke");
        };
    }
}
