package io.agentwatch.detect;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TaskBaselines;
import io.agentwatch.state.TaskProfile;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.Events;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class IntentDetectorTest {
    private static final Baseline MAILER_BASELINE = Baselines.afterBenignHistory(MAILER);
    private static final DetectionSettings SETTINGS = DetectionSettings.from(new AgentwatchConfig(Map.of()));
    private static final long NOW = BenignHistory.end().toEpochMilli();
    private static final TokenState TRIAGE_TOKEN = TokenState.of(Events.mailerToken("t-1", "s-new")
            .setPurpose("triage the support inbox").setIssuedAt(BenignHistory.end())
            .setExpiresAt(BenignHistory.end().plusSeconds(3600)).build());

    /** A task type learned from {@code sessions} clean sessions, each making the calls {@code calls} builds. */
    private static TaskProfile learned(int sessions, BiFunction<String, Integer, List<ToolCall.Builder>> calls) {
        TaskBaselines b = new TaskBaselines();
        for (int i = 0; i < sessions; i++) {
            String id = "learn-" + i;
            SessionState s = new SessionState(MAILER, id, NOW - 86_400_000L);
            int n = 0;
            for (ToolCall.Builder c : calls.apply(id, i)) {
                s.record(Baselines.call(c, NOW - 86_400_000L + n * 60_000L, id + "-" + n++), SessionActivity.Novelties.NONE,
                        Baselines.RATE_WINDOW_MS, Baselines.DENIED_WINDOW_MS);
            }
            b.sessionEnded("triage", s, NOW - 80_000_000L, Baselines.DEFAULT_POLICY, 16);
        }
        return b.profile("triage");
    }

    /** Triage: reading the inbox and the CRM, listing folders; never a reply. */
    private static final TaskProfile TRIAGE = learned(10, (id, i) -> List.of(Events.readInbox(id, "t"),
            Events.crmLookup(id, "t"), Events.readInbox(id, "t")));

    private static List<Detection> judge(ToolCall.Builder call, TaskProfile task) {
        SessionState session = new SessionState(MAILER, "s-new", NOW);
        CallContext ctx = new CallContext(Baselines.call(call, NOW, "e-new"), TRIAGE_TOKEN, TokenDirectory.EMPTY,
                session, MAILER_BASELINE, SETTINGS);
        return new IntentDetector().inspect(ctx, "triage", task, 5);
    }

    @Test
    void shouldReportAnActionNormalForTheAgentButNeverSeenInThisTaskTypeWithBothBaselines() {
        // when the triage task sends a reply: the mailer replies every day, but never while triaging
        List<Detection> found = judge(Events.replyToCustomer("s-new", "t-1", 2), TRIAGE);

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.detector()).isEqualTo(Detection.INTENT);
            assertThat(d.rule()).isEqualTo("intent.unexpected_for_task");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(d.summary()).contains("send_email:SEND").contains("triage").contains("triage the support inbox");
            assertThat(d.observations()).extracting(Observation::getGrain, Observation::getVerdict).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("tool_operation", "NORMAL"),
                    org.assertj.core.groups.Tuple.tuple("task:triage/tool_operation", "UNSEEN"));
            assertThat(d.observations().get(0).getCount()).isGreaterThan(10);
            assertThat(d.observations().get(1).getSurprisalBits()).isGreaterThanOrEqualTo(4.0);
        });
    }

    @Test
    void shouldSayNothingAboutWhatTheTaskTypeDoesOrWhatTheAgentNeverDid() {
        assertThat(judge(Events.crmLookup("s-new", "t-1"), TRIAGE)).as("usual for triage").isEmpty();
        assertThat(judge(Events.call(MAILER, "s-new", "t-1", "wire_transfer"), TRIAGE))
                .as("never seen for the agent: scope drift's to judge").isEmpty();
    }

    @Test
    void shouldWaitForATaskBaselineWithEnoughSessionsAndSurprise() {
        TaskProfile young = learned(3, (id, i) -> List.of(Events.readInbox(id, "t"), Events.crmLookup(id, "t")));
        // every session does something new: a new action is no news for this task type
        TaskProfile restless = learned(10, (id, i) -> List.of(Events.call(MAILER, id, "t", "tool_" + i),
                Events.readInbox(id, "t")));

        assertThat(judge(Events.replyToCustomer("s-new", "t-1", 2), young)).isEmpty();
        assertThat(judge(Events.replyToCustomer("s-new", "t-1", 2), restless)).isEmpty();
        assertThat(judge(Events.replyToCustomer("s-new", "t-1", 2), null)).isEmpty();
    }

    @Test
    void shouldRateAPlainReadLow() {
        TaskProfile replies = learned(10, (id, i) -> List.of(Events.replyToCustomer(id, "t", 1),
                Events.replyToCustomer(id, "t", 2)));

        assertThat(judge(Events.listFolders("s-new", "t-1"), replies)).singleElement()
                .satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.LOW));
    }
}
