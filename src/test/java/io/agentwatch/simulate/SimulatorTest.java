package io.agentwatch.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final SimulationSpec HISTORY = SimulationSpec.builder().build();
    private static final SimulationSpec WITH_LIVE = SimulationSpec.builder().seed(7).historyDays(2)
            .liveDuration(Duration.ofSeconds(90)).hijackEvery(Duration.ofSeconds(15)).build();

    private static List<String> lines(SimulationSpec spec) {
        return new Simulator(spec).stream().map(e -> TraceCodec.format(e.event(), e.label())).toList();
    }

    @Test
    void shouldProduceIdenticalLinesForTheSameSpec() {
        assertThat(lines(WITH_LIVE)).isEqualTo(lines(WITH_LIVE));
    }

    @Test
    void shouldProduceDifferentTracesForDifferentSeeds() {
        List<String> other = lines(WITH_LIVE.toBuilder().seed(8).build());

        assertThat(other).isNotEqualTo(lines(WITH_LIVE));
    }

    @Test
    void shouldRoundTripEveryEventThroughTheTraceCodec() {
        for (TraceEvent event : new Simulator(WITH_LIVE).stream().toList()) {
            TraceEvent parsed = TraceCodec.parse(TraceCodec.format(event.event(), event.label()));

            assertThat(parsed.event()).isEqualTo(event.event());
            assertThat(parsed.label()).isEqualTo(event.label());
        }
    }

    @Test
    void shouldEmitEventsInTimeOrderInBothPhases() {
        Trace trace = new Trace(WITH_LIVE);

        assertThat(trace.events).extracting(TraceEvent::time).isSorted();
        assertThat(trace.events).anyMatch(e -> e.time().isBefore(trace.liveStart))
                .anyMatch(e -> e.time().isAfter(trace.liveStart.plusSeconds(60)));
    }

    @Test
    void shouldGiveEveryAgentEnoughCleanHistoryForAnActiveBaseline() {
        for (long seed : new long[] {1, 2, 3}) {
            Trace trace = new Trace(HISTORY.toBuilder().seed(seed).build());
            Map<String, List<ToolCall>> byAgent = trace.calls().stream()
                    .collect(Collectors.groupingBy(ToolCall::getAgentId));

            assertThat(byAgent).hasSize(12);
            assertThat(trace.events).allMatch(e -> Simulator.BENIGN.equals(e.label()));
            byAgent.forEach((agent, calls) -> {
                long days = calls.stream().map(c -> LocalDate.ofInstant(c.getOccurredAt(), ZoneOffset.UTC))
                        .distinct().count();
                assertThat(calls).as(agent).hasSizeGreaterThanOrEqualTo(100);
                assertThat(days).as(agent).isGreaterThanOrEqualTo(3);
            });
        }
    }

    @Test
    void shouldFillEveryFieldOfEveryToolCallAsARuntimeWould() {
        for (ToolCall call : new Trace(WITH_LIVE).calls()) {
            assertThat(call.getAgentId()).matches("spiffe://corp\\.example/agents/[a-z-]+-\\d+");
            assertThat(List.of(call.getEventId(), call.getSessionId(), call.getTokenId(), call.getTool(),
                    call.getTarget(), call.getBoundary(), call.getRequiredScope())).doesNotContainNull();
            assertThat(call.getOperation()).isNotNull();
            assertThat(call.getSensitivity()).isNotNull();
            assertThat(call.getDelegatedTo() != null).isEqualTo(call.getOperation() == Operation.DELEGATE);
        }
    }

    @Test
    void shouldGiveEveryEventAUniqueId() {
        List<ToolCall> calls = new Trace(WITH_LIVE).calls();

        assertThat(calls.stream().map(ToolCall::getEventId).distinct().count()).isEqualTo(calls.size());
    }

    @Test
    void shouldCallOnlyWithTheAgentsOwnLiveTokenWithinItsScopesAndBoundariesWhenBenign() {
        Trace trace = new Trace(WITH_LIVE);

        for (ToolCall call : trace.calls(Simulator.BENIGN)) {
            TokenIssued token = trace.tokens.get(call.getTokenId());
            TokenRevoked revoked = trace.revocations.get(call.getTokenId());
            assertThat(token).as(call.getEventId()).isNotNull();
            assertThat(token.getAgentId()).isEqualTo(call.getAgentId());
            assertThat(token.getIssuedAt()).isBeforeOrEqualTo(call.getOccurredAt());
            assertThat(token.getExpiresAt()).as(call.getEventId()).isAfter(call.getOccurredAt());
            if (revoked != null) {
                assertThat(revoked.getRevokedAt()).isAfter(call.getOccurredAt());
            }
            assertThat(token.getScopes()).as(call.getEventId()).contains(call.getRequiredScope());
            if (token.getBoundaries() != null) {
                assertThat(token.getBoundaries()).as(call.getEventId()).contains(call.getBoundary());
            }
        }
    }

    @Test
    void shouldIssueShortLivedTaskScopedTokensAndEndSessionsByRevocationOrExpiry() {
        Trace trace = new Trace(HISTORY);

        assertThat(trace.tokens.values()).allSatisfy(t -> assertThat(
                Duration.between(t.getIssuedAt(), t.getExpiresAt())).isBetween(Duration.ofMinutes(15),
                Duration.ofMinutes(60)));
        assertThat(trace.tokens.values()).extracting(TokenIssued::getPurpose).doesNotContainNull();
        double revokedShare = (double) trace.revocations.size() / trace.tokens.size();
        assertThat(revokedShare).isBetween(0.6, 0.9);
        assertThat(trace.revocations.values()).extracting(TokenRevoked::getReason).contains("task finished");
    }

    @Test
    void shouldKeepSessionsTaskSized() {
        Trace trace = new Trace(HISTORY);
        List<Integer> sizes = trace.sessions.values().stream().map(s -> Trace.calls(s).size()).toList();

        assertThat(sizes).allMatch(n -> n >= 2 && n <= 45);
        assertThat(sizes.stream().filter(n -> n >= 3 && n <= 40).count()).isGreaterThan(sizes.size() * 95L / 100);
        assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(25);
    }

    @Test
    void shouldVaryTargetsTheWayEachRoleDoes() {
        Trace trace = new Trace(HISTORY);
        List<ToolCall> calls = trace.calls();

        List<String> supportMail = targets(calls, "support", "send_email");
        assertThat(Set.copyOf(supportMail).size()).isGreaterThan(supportMail.size() / 2);
        List<String> billingMail = targets(calls, "billing", "send_email");
        assertThat(Set.copyOf(billingMail).size()).isLessThan(billingMail.size() / 3);
        assertThat(Set.copyOf(targets(calls, "billing", "db_query"))).hasSizeLessThanOrEqualTo(5);
        List<String> codeWrites = targets(calls, "coding", "repo_write");
        assertThat(Set.copyOf(codeWrites).size()).isGreaterThan(codeWrites.size() / 3);
    }

    private static List<String> targets(List<ToolCall> calls, String role, String tool) {
        return calls.stream().filter(c -> c.getAgentId().contains("/" + role + "-") && c.getTool().equals(tool))
                .map(ToolCall::getTarget).toList();
    }

    @Test
    void shouldLetSeveralAgentsUseSeveralBoundariesLegitimately() {
        Map<String, Set<String>> boundaries = new Trace(HISTORY).history(ToolCall::getBoundary);

        assertThat(boundaries.values().stream().filter(b -> b.size() >= 3).count()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void shouldFailRarelyAndMostlyRetry() {
        List<ToolCall> calls = new Trace(HISTORY).calls();
        long errors = calls.stream().filter(c -> c.getOutcome() == Outcome.ERROR).count();
        long denied = calls.stream().filter(c -> c.getOutcome() == Outcome.DENIED).count();

        assertThat(errors).isPositive().isLessThan(calls.size() / 30);
        assertThat(denied).isPositive().isLessThan(calls.size() / 100);
    }

    @Test
    void shouldWorkMostlyInOfficeHoursExceptOnCall() {
        List<ToolCall> calls = new Trace(HISTORY.toBuilder().historyDays(7).build()).calls();

        long officeDay = countAt(calls, "support", 10, 16, false);
        long officeNight = countAt(calls, "support", 0, 5, false);
        long officeWeekend = countAt(calls, "support", 0, 23, true);
        long onCallNight = countAt(calls, "devops", 0, 5, false);
        assertThat(officeDay).isGreaterThan(10 * Math.max(1, officeNight));
        assertThat(officeWeekend).isLessThan(officeDay / 3);
        assertThat(onCallNight).isGreaterThan(countAt(calls, "devops", 10, 16, false) / 4);
    }

    private static long countAt(List<ToolCall> calls, String role, int fromHour, int toHour, boolean weekend) {
        return calls.stream().filter(c -> c.getAgentId().contains("/" + role + "-")).filter(c -> {
            var utc = c.getOccurredAt().atZone(ZoneOffset.UTC);
            boolean isWeekend = utc.getDayOfWeek() == DayOfWeek.SATURDAY || utc.getDayOfWeek() == DayOfWeek.SUNDAY;
            return isWeekend == weekend && utc.getHour() >= fromHour && utc.getHour() <= toHour;
        }).count();
    }

    @Test
    void shouldDelegateNowAndThenWithANarrowerTokenWhenBenign() {
        Trace trace = new Trace(HISTORY.toBuilder().historyDays(7).build());
        List<TokenIssued> delegated = trace.tokens.values().stream()
                .filter(t -> !t.getActorChain().isEmpty()).toList();

        assertThat(delegated).isNotEmpty().allSatisfy(t -> {
            TokenIssued delegator = trace.tokens.get(t.getActorChain().get(0).getTokenId());
            assertThat(delegator.getAgentId()).isEqualTo(t.getActorChain().get(0).getSub());
            assertThat(delegator.getScopes()).containsAll(t.getScopes());
        });
    }

    @Test
    void shouldPaceTheLivePhaseAtTheRequestedRate() {
        SimulationSpec spec = SimulationSpec.builder().seed(3).historyDays(1).attackCount(0)
                .liveRate(40).liveDuration(Duration.ofSeconds(120)).build();
        Trace trace = new Trace(spec);

        long live = trace.events.stream().filter(e -> !e.time().isBefore(trace.liveStart)).count();
        assertThat(live / 120.0).isBetween(40 * 0.7, 40 * 1.3);
        assertThat(trace.events.get(trace.events.size() - 1).time())
                .isBefore(trace.liveStart.plusSeconds(120 + 10));
    }
}
