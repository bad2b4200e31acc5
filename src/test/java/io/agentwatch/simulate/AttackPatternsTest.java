package io.agentwatch.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttackPatternsTest {
    private static final int HIJACKS = 12;

    /** Six agents (one per role), four days of history, then a hijack every 20 minutes at natural pace. */
    private static Trace hijacked(AttackPattern pattern, long seed) {
        return new Trace(SimulationSpec.builder().seed(seed).agents(6).attacks(List.of(pattern))
                .attackCount(HIJACKS).hijackEvery(Duration.ofMinutes(20)).liveRate(0)
                .liveDuration(Duration.ofHours(5)).build());
    }

    private static boolean atLeastConfidential(ToolCall c) {
        return c.getSensitivity().compareTo(Sensitivity.CONFIDENTIAL) >= 0;
    }

    @Test
    void shouldLabelWholeHijackedSessionsAndStartThemLikeTheAgentsOwnWork() {
        for (AttackPattern pattern : AttackPattern.values()) {
            Trace trace = hijacked(pattern, 11);
            Map<String, Set<String>> tools = trace.history(ToolCall::getTool);

            assertThat(trace.attackSessions()).as(pattern.cliName()).hasSizeGreaterThanOrEqualTo(HIJACKS);
            for (List<TraceEvent> session : trace.attackSessions()) {
                assertThat(session).allMatch(e -> Simulator.ATTACK.equals(e.label()));
                assertThat(session.get(0).event()).isInstanceOf(TokenIssued.class);
                assertThat(session.get(0).time()).isAfterOrEqualTo(trace.liveStart);
                if (!((TokenIssued) session.get(0).event()).getActorChain().isEmpty()) {
                    continue;  // an escalated delegate's session is all attack from its first call
                }
                ToolCall first = Trace.calls(session).get(0);
                assertThat(tools.get(first.getAgentId())).as(first.getEventId()).contains(first.getTool());
            }
            assertThat(trace.sessions.values()).filteredOn(s -> Simulator.BENIGN.equals(s.get(0).label()))
                    .allMatch(s -> s.stream().allMatch(e -> Simulator.BENIGN.equals(e.label())));
        }
    }

    @Test
    void shouldDriftIntoAnotherRolesRestrictedDataWithATokenThatAllowsIt() {
        Trace trace = hijacked(AttackPattern.SCOPE_DRIFT, 12);
        Map<String, Set<String>> tools = trace.history(ToolCall::getTool);

        for (List<TraceEvent> session : trace.attackSessions()) {
            TokenIssued token = (TokenIssued) session.get(0).event();
            List<ToolCall> drift = Trace.calls(session).stream()
                    .filter(c -> !tools.get(c.getAgentId()).contains(c.getTool())).toList();
            assertThat(drift).hasSizeGreaterThanOrEqualTo(3)
                    .anyMatch(c -> c.getSensitivity() == Sensitivity.RESTRICTED)
                    .anyMatch(c -> c.getOperation() == Operation.WRITE || c.getOperation() == Operation.EXECUTE)
                    .allMatch(c -> c.getOutcome() == Outcome.OK && c.getTokenId().equals(token.getTokenId())
                            && token.getScopes().contains(c.getRequiredScope())
                            && (token.getBoundaries() == null || token.getBoundaries().contains(c.getBoundary())));
        }
    }

    @Test
    void shouldSwitchToAnActionTheAgentTakesInItsOtherTasksWithATokenThatAllowsIt() {
        Trace trace = hijacked(AttackPattern.TASK_SWITCH, 14);
        Map<String, Set<String>> tools = trace.history(ToolCall::getTool);

        assertThat(trace.attackSessions()).isNotEmpty();
        for (List<TraceEvent> session : trace.attackSessions()) {
            TokenIssued token = (TokenIssued) session.get(0).event();
            List<ToolCall> calls = Trace.calls(session);
            // every call is one the agent makes in its history, allowed by the token
            assertThat(calls).allMatch(c -> tools.get(c.getAgentId()).contains(c.getTool()))
                    .allMatch(c -> token.getScopes().contains(c.getRequiredScope()))
                    .anyMatch(c -> c.getOperation() != Operation.READ && c.getOutcome() == Outcome.OK);
        }
    }

    @Test
    void shouldSendSensitiveDataToABoundaryTheAgentNeverUsed() {
        Trace trace = hijacked(AttackPattern.EXFILTRATION, 13);
        Map<String, Set<String>> boundaries = trace.history(ToolCall::getBoundary);

        for (List<TraceEvent> session : trace.attackSessions()) {
            List<ToolCall> calls = Trace.calls(session);
            int read = indexOf(calls, c -> c.getOperation() == Operation.READ && atLeastConfidential(c), 0);
            assertThat(read).as("sensitive read").isNotNegative();
            String source = calls.get(read).getBoundary();
            int egress = indexOf(calls, c -> (c.getOperation() == Operation.SEND || c.getOperation() == Operation.WRITE)
                    && !c.getBoundary().equals(source) && !boundaries.get(c.getAgentId()).contains(c.getBoundary())
                    && atLeastConfidential(c) && c.getOutcome() == Outcome.OK, read + 1);
            assertThat(egress).as("egress after the read in " + calls.get(0).getSessionId()).isPositive();
        }
    }

    private static int indexOf(List<ToolCall> calls, java.util.function.Predicate<ToolCall> p, int from) {
        for (int i = from; i < calls.size(); i++) {
            if (p.test(calls.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private enum Misuse { REVOKED, EXPIRED, FOREIGN, SCOPE_NOT_GRANTED }

    @Test
    void shouldMisuseRevokedExpiredForeignTokensAndUngrantedScopes() {
        Trace trace = hijacked(AttackPattern.TOKEN_MISUSE, 14);
        EnumSet<Misuse> seen = EnumSet.noneOf(Misuse.class);

        for (List<TraceEvent> session : trace.attackSessions()) {
            EnumSet<Misuse> inSession = EnumSet.noneOf(Misuse.class);
            for (ToolCall call : Trace.calls(session)) {
                TokenIssued token = trace.tokens.get(call.getTokenId());
                TokenRevoked revoked = trace.revocations.get(call.getTokenId());
                if (revoked != null && !revoked.getRevokedAt().isAfter(call.getOccurredAt())) {
                    inSession.add(Misuse.REVOKED);
                } else if (!token.getExpiresAt().isAfter(call.getOccurredAt())) {
                    inSession.add(Misuse.EXPIRED);
                }
                if (!token.getAgentId().equals(call.getAgentId())) {
                    inSession.add(Misuse.FOREIGN);
                }
                if (!token.getScopes().contains(call.getRequiredScope())) {
                    inSession.add(Misuse.SCOPE_NOT_GRANTED);
                }
            }
            assertThat(inSession).contains(Misuse.SCOPE_NOT_GRANTED).hasSizeGreaterThanOrEqualTo(2);
            seen.addAll(inSession);
        }
        assertThat(seen).containsExactlyInAnyOrder(Misuse.values());
    }

    @Test
    void shouldIssueTheDelegateBroaderScopesThanTheDelegatorAndHaveThemUsed() {
        Trace trace = hijacked(AttackPattern.DELEGATION_ESCALATION, 15);
        List<List<TraceEvent>> attacks = trace.attackSessions();

        List<List<TraceEvent>> delegated = attacks.stream()
                .filter(s -> !((TokenIssued) s.get(0).event()).getActorChain().isEmpty()).toList();
        assertThat(delegated).hasSize(attacks.size() / 2);
        for (List<TraceEvent> session : delegated) {
            TokenIssued token = (TokenIssued) session.get(0).event();
            Actor delegator = token.getActorChain().get(0);
            TokenIssued delegatorToken = trace.tokens.get(delegator.getTokenId());
            assertThat(delegatorToken.getAgentId()).isEqualTo(delegator.getSub());
            assertThat(token.getScopes()).containsAll(delegatorToken.getScopes())
                    .hasSizeGreaterThan(delegatorToken.getScopes().size());
            assertThat(trace.calls(Simulator.ATTACK)).anyMatch(c -> c.getOperation() == Operation.DELEGATE
                    && c.getTokenId().equals(delegator.getTokenId())
                    && c.getDelegatedTo().equals(token.getAgentId())
                    && !c.getOccurredAt().isAfter(token.getIssuedAt()));
            assertThat(Trace.calls(session)).anyMatch(c -> c.getTokenId().equals(token.getTokenId())
                    && !delegatorToken.getScopes().contains(c.getRequiredScope()));
        }
    }
}
