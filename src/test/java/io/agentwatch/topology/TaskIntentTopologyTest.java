package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task baselines on the real topology: the mailer triages the inbox in some sessions and replies
 * to customers in others, each under a token whose purpose says which. Replying is normal for
 * the mailer, but not under a triage token.
 */
class TaskIntentTopologyTest {
    private static final String TRIAGE = "triage the support inbox";
    private static final String REPLY = "reply to customer tickets";

    @TempDir
    Path dir;

    private Map<String, Object> withMapping() throws IOException {
        Path file = dir.resolve("task-types.yaml");
        Files.writeString(file, """
                types:
                  - match: "triage*"
                    type: triage
                  - regex: "\\\\breply"
                    type: reply
                """);
        return Map.of(AgentwatchConfig.TASK_TYPES_FILE, file.toString());
    }

    /** Five days, six sessions a day, alternating triage and reply tasks; returns the Monday after. */
    private static Instant history(MonitorHarness h) {
        Instant monday = MonitorHarness.START;
        for (int day = 0; day < 5; day++) {
            for (int k = 0; k < 6; k++) {
                h.at(monday.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(60L * k)));
                String s = "s-d" + day + "-" + k;
                String t = "t-d" + day + "-" + k;
                boolean triage = k % 2 == 0;
                h.issue(Events.mailerToken(t, s).setPurpose(triage ? TRIAGE : REPLY));
                List<ToolCall.Builder> calls = triage
                        ? List.of(Events.readInbox(s, t), Events.crmLookup(s, t), Events.listFolders(s, t),
                        Events.readInbox(s, t), Events.crmLookup(s, t))
                        : List.of(Events.readInbox(s, t), Events.replyToCustomer(s, t, k % 5), Events.crmLookup(s, t),
                        Events.replyToCustomer(s, t, (k + 1) % 5), Events.readInbox(s, t));
                calls.forEach(h::call);
                h.brokerRevokes(MAILER, t);
            }
        }
        return monday.plus(Duration.ofDays(7));
    }

    /** A triage session that replies to a customer the mailer writes to every day. */
    private static List<Replayer.Output> triageThatReplies(MonitorHarness h, Instant at) {
        h.at(at).issue(Events.mailerToken("t-x", "s-x").setPurpose(TRIAGE + ", then close the duplicates"));
        h.call(Events.readInbox("s-x", "t-x"));
        return h.call(Events.replyToCustomer("s-x", "t-x", 2).setEventId("e-reply"));
    }

    @Test
    void shouldReportAnActionNormalForTheAgentThatItsTaskTypeNeverTook() throws IOException {
        try (MonitorHarness h = MonitorHarness.create(withMapping())) {
            Instant after = history(h);

            // when
            List<Replayer.Output> atReply = triageThatReplies(h, after);

            // then one finding, with both baselines, an alert only
            assertThat(MonitorHarness.findingsIn(atReply)).singleElement().satisfies(f -> {
                assertThat(f.getRule()).isEqualTo("intent.unexpected_for_task");
                assertThat(f.getDetector()).isEqualTo("INTENT");
                assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
                assertThat(f.getAction()).isEqualTo(Action.ALERT);
                assertThat(f.getObservations()).extracting(Observation::getGrain)
                        .containsExactly("tool_operation", "task:triage/tool_operation");
                assertThat(f.getSummary()).contains("send_email:SEND").contains("15 sessions");
            });
            assertThat(MonitorHarness.commandsIn(atReply)).isEmpty();
            // and the stores hold both task types
            assertThat(h.taskBaselines(MAILER).profile("triage").sessions()).isEqualTo(15);
            assertThat(h.taskBaselines(MAILER).profile("reply").sessions()).isEqualTo(15);
            assertThat(h.taskBaselines(MAILER).profile("triage").actions().estimate("send_email:SEND").unseen()).isTrue();
        }
    }

    @Test
    void shouldStayQuietForTheSameCallUnderItsOwnTaskType() throws IOException {
        try (MonitorHarness h = MonitorHarness.create(withMapping())) {
            Instant after = history(h);

            h.at(after).issue(Events.mailerToken("t-y", "s-y").setPurpose(REPLY));
            h.call(Events.readInbox("s-y", "t-y"));
            List<Replayer.Output> atReply = h.call(Events.replyToCustomer("s-y", "t-y", 2));

            assertThat(MonitorHarness.findingsIn(atReply)).isEmpty();
        }
    }

    @Test
    void shouldLearnNoTaskBaselinesWithoutAMapping() {
        try (MonitorHarness h = MonitorHarness.create(Map.of())) {
            Instant after = history(h);

            List<Replayer.Output> atReply = triageThatReplies(h, after);

            assertThat(MonitorHarness.findingsIn(atReply)).extracting(Finding::getRule)
                    .doesNotContain("intent.unexpected_for_task");
            assertThat(h.taskBaselines(MAILER)).isNull();
        }
    }

    @Test
    void shouldCountTheAgentsWithTaskBaselinesExactlyAndForgetThemOnAReset() throws IOException {
        // given an observer that keeps the last count each sweep reported per store
        Map<String, Long> entries = new HashMap<>();
        DetectionObserver observer = new DetectionObserver() {
            @Override
            public void storeEntries(String taskId, String store, long count) {
                entries.put(store, count);
            }
        };
        try (MonitorHarness h = MonitorHarness.create(withMapping(), observer)) {
            // when the mailer learned its task types and an operator then resets its baseline
            Instant after = history(h);
            h.at(after).issue(Events.mailerToken("t-z", "s-z").setPurpose(TRIAGE));
            h.call(Events.readInbox("s-z", "t-z"));
            long learned = entries.get(Names.TASK_BASELINES_STORE);
            h.resetBaseline(MAILER, after);
            h.at(after.plus(Duration.ofMinutes(30))).call(Events.readInbox("s-z", "t-z"));

            // then one agent has task baselines, and none after the reset
            assertThat(learned).isEqualTo(1);
            assertThat(entries.get(Names.TASK_BASELINES_STORE)).isZero();
            assertThat(h.taskBaselines(MAILER)).isNull();
        }
    }
}
