package io.agentwatch.state;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.model.Call;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SessionStateTest {
    private static final long T0 = 1_767_603_600_000L;
    private static final long MINUTE = 60_000L;
    private static final long WINDOW = Baselines.RATE_WINDOW_MS;

    private final SessionState session = new SessionState(MAILER, "s", T0);

    private void record(Call c) {
        session.record(c, SessionActivity.Novelties.NONE, WINDOW, Baselines.DENIED_WINDOW_MS);
    }

    private static ResponseMemory.Update update(List<String> raised, int risk, Severity severity) {
        return new ResponseMemory.Update(raised, risk, severity, 0, 0, null, List.of());
    }

    @Test
    void shouldRememberWhereSensitiveDataWasReadAndTheFirstUntrustedInput() {
        // when
        record(Baselines.call(Events.readInbox("s", "t"), T0, "e-inbox"));
        record(Baselines.call(Events.crmLookup("s", "t"), T0 + MINUTE, "e-crm"));
        record(Baselines.call(Events.listFolders("s", "t"), T0 + 2 * MINUTE, "e-list"));

        // then: read_inbox is untrusted input (catalog); both sensitive reads were in corp, the latest kept
        SessionActivity a = session.activity();
        assertThat(a.untrustedInputEventId()).isEqualTo("e-inbox");
        assertThat(a.sensitiveReads()).singleElement().satisfies(r -> {
            assertThat(r.eventId()).isEqualTo("e-crm");
            assertThat(r.boundary()).isEqualTo("corp");
            assertThat(r.sensitivity()).isEqualTo(Sensitivity.CONFIDENTIAL);
        });
        assertThat(a.sensitiveReadBoundaries()).containsExactly("corp");
        assertThat(a.lastTool()).isEqualTo("list_folders");
        assertThat(a.events()).isEqualTo(3);
        assertThat(a.lastSeen()).isEqualTo(T0 + 2 * MINUTE);
    }

    @Test
    void shouldTakeUntrustedInputFromTheProducersAttributeToo() {
        // when a tool the catalog does not flag comes with the producer's flag
        record(Baselines.call(Events.listFolders("s", "t").setAttributes(
                java.util.Map.of(Call.FLAGS_ATTRIBUTE, "Untrusted_Input, unknown_flag")), T0, "e-flagged"));

        // then
        assertThat(session.activity().untrustedInputEventId()).isEqualTo("e-flagged");
    }

    @Test
    void shouldRememberTheFirstRefusedCallAndNovelActions() {
        // when
        record(Baselines.call(Events.listFolders("s", "t"), T0, "e-1"));
        session.record(Baselines.call(Events.denied(Events.crmLookup("s", "t")), T0 + MINUTE, "e-denied"),
                new SessionActivity.Novelties(true, false, List.of()), WINDOW, Baselines.DENIED_WINDOW_MS);
        session.record(Baselines.call(Events.denied(Events.listFolders("s", "t")), T0 + 2 * MINUTE, "e-2"),
                new SessionActivity.Novelties(true, true, List.of()), WINDOW, Baselines.DENIED_WINDOW_MS);

        // then
        SessionActivity a = session.activity();
        assertThat(a.refusedEventId()).isEqualTo("e-denied");
        assertThat(a.novelReadEventId()).isEqualTo("e-denied");
        assertThat(a.novelActionEventId()).isEqualTo("e-2");
        assertThat(a.deniedSince(T0)).isEqualTo(2);
    }

    @Test
    void shouldRememberUnvettedSourcesOfUntrustedContentOnly() {
        // when a web page from an unknown host is fetched, and a known tool sends to an unknown address
        session.record(Baselines.call(Events.call(MAILER, "s", "t", "web_fetch").setTarget("https://evil.example/x"),
                        T0, "e-web"), new SessionActivity.Novelties(false, false, List.of("evil.example")), WINDOW,
                Baselines.DENIED_WINDOW_MS);
        session.record(Baselines.call(Events.replyToCustomer("s", "t", 9), T0 + MINUTE, "e-send"),
                new SessionActivity.Novelties(false, false, List.of("customer-9@customer.example")), WINDOW,
                Baselines.DENIED_WINDOW_MS);

        // then
        assertThat(session.activity().unvettedSources()).containsExactly(java.util.Map.entry("evil.example", "e-web"));
    }

    @Test
    void shouldKeepEveryCollectionBoundedInARunawaySession() {
        // when 1000 calls, each with a new token, tool, target and boundary, reading secrets, denied
        IntStream.range(0, 1000).forEach(i -> session.record(Baselines.call(Events.denied(
                        Events.call(MAILER, "s", "t" + i, "read_secret_" + i, "mailto:x" + i + "@y.example", "zone-" + i,
                                null).setAttributes(java.util.Map.of(Call.FLAGS_ATTRIBUTE, "untrusted_input"))),
                T0 + i * 1000L, "e" + i), new SessionActivity.Novelties(true, true, List.of("x" + i + "@y.example")),
                WINDOW, 3_600_000L));
        IntStream.range(0, 1000).forEach(i -> session.response().apply(update(List.of("key-" + i), 1, Severity.LOW)));
        IntStream.range(0, 1000).forEach(i -> session.response().apply(new ResponseMemory.Update(List.of(), 0, null,
                0, 0, RevokeScope.SESSION, List.of("d" + i))));

        // then
        SessionActivity a = session.activity();
        assertThat(a.recent()).hasSize(SessionActivity.MAX_RECENT);
        assertThat(a.recent().get(SessionActivity.MAX_RECENT - 1).eventId()).isEqualTo("e999");
        assertThat(a.sensitiveReads()).hasSize(SessionActivity.MAX_SENSITIVE_READS);
        assertThat(a.boundaryCount()).isEqualTo(SessionActivity.MAX_BOUNDARIES);
        assertThat(a.tokens()).hasSize(SessionActivity.MAX_TOKENS);
        assertThat(a.unvettedSources()).hasSize(SessionActivity.MAX_UNVETTED_SOURCES);
        assertThat(a.deniedSince(0)).isEqualTo(SessionActivity.MAX_DENIED);
        assertThat(a.rateWindowCounts().size()).isLessThanOrEqualTo(SessionActivity.MAX_RATE_WINDOWS + 1);
        assertThat(session.response().raised).hasSize(ResponseMemory.MAX_RAISED);
        assertThat(session.response().implicated()).hasSize(ResponseMemory.MAX_IMPLICATED);
        session.learning().values().values()
                .forEach(m -> assertThat(m.size()).isLessThanOrEqualTo(PendingLearning.MAX_PENDING_VALUES));
        assertThat(session.learning().destinations()).hasSize(PendingLearning.MAX_DESTINATIONS);
    }

    @Test
    void shouldCountATokenIssuedForTheSessionBeforeAnyCallUsesIt() {
        // given
        record(Baselines.call(Events.listFolders("s", "t-1"), T0, "e1"));

        // when
        session.useToken("t-2");
        session.useToken(null);

        // then
        assertThat(session.activity().tokens()).containsExactly("t-1", "t-2");
    }

    @Test
    void shouldRememberRaisedKeysAndTheWidestRevocation() {
        // when
        session.response().apply(new ResponseMemory.Update(List.of("chain:paste.example"), 85, Severity.HIGH, 0, 0,
                RevokeScope.SESSION, List.of("paste.example")));
        session.response().apply(new ResponseMemory.Update(List.of(), 10, Severity.LOW, 0, 0, RevokeScope.TOKEN,
                List.of()));

        // then
        ResponseMemory r = session.response();
        assertThat(r.raised("chain:paste.example")).isTrue();
        assertThat(r.raised("chain:other")).isFalse();
        assertThat(r.revoked()).isEqualTo(RevokeScope.SESSION);
        assertThat(r.implicated()).containsExactly("paste.example");
    }

    @Test
    void shouldNotBeLearnableOnceAHighFindingWasRaised() {
        // given
        session.response().apply(update(List.of(), 25, Severity.MEDIUM));
        assertThat(session.response().isLearnable()).isTrue();

        // when
        session.response().apply(update(List.of(), 85, Severity.HIGH));
        session.response().apply(update(List.of(), 5, Severity.LOW));

        // then
        assertThat(session.response().isLearnable()).isFalse();
        assertThat(session.response().maxSeverity()).isEqualTo(Severity.HIGH);
        assertThat(session.response().risk()).isEqualTo(115);
    }

    @Test
    void shouldCapTheAccumulatedRisk() {
        // when
        IntStream.range(0, 50).forEach(i -> session.response().apply(update(List.of(), 95, Severity.CRITICAL)));

        // then
        assertThat(session.response().risk()).isEqualTo(1000);
    }

    @Test
    void shouldCountCallsInTheCurrentRateWindowOnly() {
        // given three calls in the 09:00-09:05 window and one in the next
        for (int i = 0; i < 3; i++) {
            record(Baselines.call(Events.listFolders("s", "t"), T0 + i * MINUTE, "e" + i));
        }
        record(Baselines.call(Events.listFolders("s", "t"), T0 + 5 * MINUTE, "e5"));

        // when / then
        SessionActivity a = session.activity();
        assertThat(a.callsInWindow(T0 + 6 * MINUTE, WINDOW)).isEqualTo(1);
        assertThat(a.callsInWindow(T0 + 11 * MINUTE, WINDOW)).isZero();
        assertThat(a.rateWindowCounts()).containsExactly(3, 1);
    }

    @Test
    void shouldCountDistinctBoundariesTouchedSinceAGivenTime() {
        // given
        record(Baselines.call(Events.call(MAILER, "s", "t", "list_a", "x", "a", null), T0, "e1"));
        record(Baselines.call(Events.call(MAILER, "s", "t", "list_b", "x", "b", null), T0 + 20 * MINUTE, "e2"));

        // when / then
        SessionActivity a = session.activity();
        assertThat(a.boundariesSince(T0 + 10 * MINUTE, "c")).isEqualTo(2);
        assertThat(a.boundariesSince(T0, "a")).isEqualTo(2);
        assertThat(a.boundariesSince(T0, null)).isEqualTo(2);
    }

    @Test
    void shouldForgetDeniedCallsOutsideTheWindow() {
        // given
        session.record(Baselines.call(Events.denied(Events.listFolders("s", "t")), T0, "e1"),
                SessionActivity.Novelties.NONE, WINDOW, 10 * MINUTE);
        session.record(Baselines.call(Events.denied(Events.listFolders("s", "t")), T0 + MINUTE, "e2"),
                SessionActivity.Novelties.NONE, WINDOW, 10 * MINUTE);

        // when
        session.record(Baselines.call(Events.denied(Events.listFolders("s", "t")), T0 + 11 * MINUTE, "e3"),
                SessionActivity.Novelties.NONE, WINDOW, 10 * MINUTE);

        // then
        assertThat(session.activity().deniedSince(0)).isEqualTo(2);
    }

    @Test
    void shouldHoldBackTheSessionsGrainValuesAndDestinationsForLearning() {
        // given
        record(Baselines.call(Events.crmLookup("s", "t"), T0, "e1"));
        record(Baselines.call(Events.replyToCustomer("s", "t", 2), T0 + MINUTE, "e2"));

        // then
        PendingLearning l = session.learning();
        assertThat(l.values().get(Grains.TOOL)).containsOnlyKeys("crm_lookup", "send_email");
        assertThat(l.values().get(Grains.EGRESS)).containsOnlyKeys("customer-mail");
        assertThat(l.values().get(Grains.FLOW)).containsOnlyKeys("corp->customer-mail");
        assertThat(l.values().get(Grains.TRANSITION)).containsOnlyKeys("crm_lookup->send_email");
        assertThat(l.destinations()).containsExactly("customer-2@customer.example");
        assertThat(l.days()).containsExactly(T0 / 86_400_000L);
    }
}
