package io.agentwatch.state;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SessionStateTest {
    private static final long T0 = 1_767_603_600_000L;
    private static final long MINUTE = 60_000L;
    private static final long WINDOW = Baselines.RATE_WINDOW_MS;

    private final SessionState session = new SessionState(MAILER, "s", T0);

    @Test
    void shouldRememberWhereSensitiveDataWasReadAndTheFirstUntrustedInput() {
        // given
        var inbox = Baselines.call(Events.readInbox("s", "t"), T0, "e-inbox");
        var crm = Baselines.call(Events.crmLookup("s", "t"), T0 + MINUTE, "e-crm");
        var folders = Baselines.call(Events.listFolders("s", "t"), T0 + 2 * MINUTE, "e-list");

        // when
        session.record(inbox, WINDOW);
        session.record(crm, WINDOW);
        session.record(folders, WINDOW);

        // then: read_inbox is untrusted input (catalog); both sensitive reads were in corp, the latest kept
        assertThat(session.untrustedInputEventId()).isEqualTo("e-inbox");
        assertThat(session.sensitiveReads()).singleElement()
                .satisfies(r -> {
                    assertThat(r.eventId()).isEqualTo("e-crm");
                    assertThat(r.boundary()).isEqualTo("corp");
                    assertThat(r.sensitivity()).isEqualTo(Sensitivity.CONFIDENTIAL);
                });
        assertThat(session.sensitiveReadBoundaries()).containsExactly("corp");
        assertThat(session.lastTool()).isEqualTo("list_folders");
        assertThat(session.events()).isEqualTo(3);
        assertThat(session.lastSeen()).isEqualTo(T0 + 2 * MINUTE);
    }

    @Test
    void shouldKeepEveryCollectionBoundedInARunawaySession() {
        // when 1000 calls, each with a new token, tool, target and boundary, reading secrets
        IntStream.range(0, 1000).forEach(i -> session.record(Baselines.call(
                Events.call(MAILER, "s", "t" + i, "read_secret_" + i, "target-" + i, "zone-" + i, null),
                T0 + i * 1000L, "e" + i), WINDOW));
        IntStream.range(0, 1000).forEach(i -> session.raiseOnce("key-" + i));
        IntStream.range(0, 1000).forEach(i -> session.recordDenied(T0 + i, 3_600_000L));

        // then
        assertThat(session.recent()).hasSize(SessionState.MAX_RECENT);
        assertThat(session.recent().get(SessionState.MAX_RECENT - 1).eventId()).isEqualTo("e999");
        assertThat(session.sensitiveReads()).hasSize(SessionState.MAX_SENSITIVE_READS);
        assertThat(session.boundaryCount()).isEqualTo(SessionState.MAX_BOUNDARIES);
        assertThat(session.tokens()).hasSize(SessionState.MAX_TOKENS);
        assertThat(session.raised).hasSize(SessionState.MAX_RAISED);
        assertThat(session.deniedInWindow()).isEqualTo(SessionState.MAX_DENIED);
        session.pending.values().forEach(m -> assertThat(m.size()).isLessThanOrEqualTo(SessionState.MAX_PENDING_VALUES));
        assertThat(session.rateWindowCounts().size()).isLessThanOrEqualTo(SessionState.MAX_RATE_WINDOWS + 1);
    }

    @Test
    void shouldCountATokenIssuedForTheSessionBeforeAnyCallUsesIt() {
        // given
        session.record(Baselines.call(Events.listFolders("s", "t-1"), T0, "e1"), WINDOW);

        // when
        session.useToken("t-2");
        session.useToken(null);

        // then
        assertThat(session.tokens()).containsExactly("t-1", "t-2");
    }

    @Test
    void shouldRaiseAKeyOnlyOncePerSession() {
        // when / then
        assertThat(session.raiseOnce("chain:paste.example")).isTrue();
        assertThat(session.raiseOnce("chain:paste.example")).isFalse();
        assertThat(session.raiseOnce("chain:other")).isTrue();
    }

    @Test
    void shouldNotBeLearnableOnceAHighFindingWasRaised() {
        // given
        session.addRisk(25, Severity.MEDIUM);
        assertThat(session.isLearnable()).isTrue();

        // when
        session.addRisk(85, Severity.HIGH);
        session.addRisk(5, Severity.LOW);

        // then
        assertThat(session.isLearnable()).isFalse();
        assertThat(session.maxSeverity()).isEqualTo(Severity.HIGH);
        assertThat(session.risk()).isEqualTo(115);
    }

    @Test
    void shouldCapTheAccumulatedRisk() {
        // when
        IntStream.range(0, 50).forEach(i -> session.addRisk(95, Severity.CRITICAL));

        // then
        assertThat(session.risk()).isEqualTo(1000);
    }

    @Test
    void shouldCountCallsInTheCurrentRateWindowOnly() {
        // given three calls in the 09:00-09:05 window and one in the next
        for (int i = 0; i < 3; i++) {
            session.record(Baselines.call(Events.listFolders("s", "t"), T0 + i * MINUTE, "e" + i), WINDOW);
        }
        session.record(Baselines.call(Events.listFolders("s", "t"), T0 + 5 * MINUTE, "e5"), WINDOW);

        // when / then
        assertThat(session.callsInWindow(T0 + 6 * MINUTE, WINDOW)).isEqualTo(1);
        assertThat(session.callsInWindow(T0 + 11 * MINUTE, WINDOW)).isZero();
        assertThat(session.rateWindowCounts()).containsExactly(3, 1);
    }

    @Test
    void shouldCountDistinctBoundariesTouchedSinceAGivenTime() {
        // given
        session.record(Baselines.call(Events.call(MAILER, "s", "t", "list_a", "x", "a", null), T0, "e1"), WINDOW);
        session.record(Baselines.call(Events.call(MAILER, "s", "t", "list_b", "x", "b", null), T0 + 20 * MINUTE, "e2"),
                WINDOW);

        // when / then
        assertThat(session.boundariesSince(T0 + 10 * MINUTE, "c")).isEqualTo(2);
        assertThat(session.boundariesSince(T0, "a")).isEqualTo(2);
        assertThat(session.boundariesSince(T0, null)).isEqualTo(2);
    }

    @Test
    void shouldForgetDeniedCallsOutsideTheWindow() {
        // given
        session.recordDenied(T0, 10 * MINUTE);
        session.recordDenied(T0 + MINUTE, 10 * MINUTE);

        // when
        session.recordDenied(T0 + 11 * MINUTE, 10 * MINUTE);

        // then
        assertThat(session.deniedInWindow()).isEqualTo(2);
    }

    @Test
    void shouldHoldBackTheSessionsGrainValuesForLearning() {
        // given
        session.record(Baselines.call(Events.crmLookup("s", "t"), T0, "e1"), WINDOW);
        session.record(Baselines.call(Events.replyToCustomer("s", "t", 2), T0 + MINUTE, "e2"), WINDOW);

        // then
        assertThat(session.pending.get(Baseline.TOOL)).containsOnlyKeys("crm_lookup", "send_email");
        assertThat(session.pending.get(Baseline.EGRESS)).containsOnlyKeys("customer-mail");
        assertThat(session.pending.get(Baseline.FLOW)).containsOnlyKeys("corp->customer-mail");
        assertThat(session.pending.get(Baseline.TRANSITION)).containsOnlyKeys("crm_lookup->send_email");
        assertThat(session.days).containsExactly(T0 / 86_400_000L);
    }
}
