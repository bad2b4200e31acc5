package io.agentwatch.topology;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static io.agentwatch.testing.Events.sendTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.Durations;
import io.agentwatch.replay.Replayer;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.StateSerde;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/** One agent, or one agent's clock, must not grow the state without bound or end another agent's evidence. */
class StateLimitsTopologyTest {

    @Test
    void shouldCloseTheOldestSessionsOfAnAgentThatOpensTooManyAndKeepTheOthers() {
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.SESSION_MAX_OPEN, "20"))) {
            // given another agent's open session
            h.call(Events.call(BILLING, "b-1", null, "list_invoices"));

            // when the mailer opens 500 sessions, one call each, within a few seconds of stream time
            List<Replayer.Output> out = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                out.addAll(h.call(Events.listFolders("flood-" + i, null).setOccurredAt(h.now().plusMillis(i))));
            }

            // then the mailer holds 20 sessions, the newest; the billing bot's is still there
            List<String> open = openSessions(h, MAILER);
            assertThat(open).hasSize(20).contains("flood-499").doesNotContain("flood-0", "flood-479");
            assertThat(openSessions(h, BILLING)).containsExactly("b-1");
            assertThat(MonitorHarness.findingsIn(out)).filteredOn(f -> f.getRule().equals("session.evicted"))
                    .hasSize(480).extracting(Finding::getSessionId).startsWith("flood-0", "flood-1");
        }
    }

    @Test
    void shouldKeepASessionOfMaximalFieldsUnderItsSizeLimit() {
        int limit = 65_536;
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.SESSION_MAX_BYTES, Integer.toString(limit)))) {
            // when one session makes 300 calls whose names and targets are as long as input allows
            String filler = "x".repeat(2000);
            for (int i = 0; i < 300; i++) {
                h.call(Events.call(MAILER, "s-big", null, "tool_" + i + filler, "target:" + i + filler,
                        "zone-" + i + filler, null));
            }

            // then its stored size stays within the limit plus one call's worth
            byte[] stored = StateSerde.sessions().encode(h.session(MAILER, "s-big"));
            assertThat(stored.length).isLessThan(limit + 40_000);
            assertThat(h.session(MAILER, "s-big").learning().forgotten()).isTrue();
            assertThat(h.session(MAILER, "s-big").activity().events()).isEqualTo(300);
        }
    }

    @Test
    void shouldPurgeATokenThatClaimsToExpireInYear9999AfterTheMaximumLifetime() {
        try (MonitorHarness h = MonitorHarness.create()) {
            // given a token valid until year 9999
            h.issue(mailerToken("t-forever", "s-1").setExpiresAt(Instant.parse("9999-12-31T00:00:00Z")));
            assertThat(h.indexed("t-forever")).isNotNull();

            // when the maximum lifetime and the retention pass in stream time
            Duration maxLifetime = defaultDuration(AgentwatchConfig.STATE_TOKEN_MAX_LIFETIME);
            Duration retention = defaultDuration(AgentwatchConfig.STATE_RETENTION);
            h.advance(maxLifetime.plus(retention).plus(Duration.ofMinutes(2)));
            h.call(Events.call(BILLING, "b-1", null, "list_invoices"));
            h.advance(Duration.ofMinutes(2));
            h.call(Events.call(BILLING, "b-1", null, "list_invoices"));

            // then it is gone from the store and from the index
            assertThat(h.token(MAILER, "t-forever")).isNull();
            assertThat(h.indexed("t-forever")).isNull();
        }
    }

    @Test
    void shouldNotLetOneAgentsClockAheadWithinTheSkewEndAnotherAgentsSession() {
        // a skew longer than the idle timeout, as an operator may configure it: a record up to an
        // hour ahead is accepted, and must still not end a session idle for a minute
        Duration skew = Duration.ofHours(1);
        try (MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.MAX_FUTURE_SKEW, "1h"))) {
            // given an ACTIVE mailer whose session read the CRM a minute ago, with a token that
            // allows any boundary and lives long
            h.withBenignHistory();
            h.issue(mailerToken("t-1", "s-1").setBoundaries(null).setExpiresAt(h.now().plus(Duration.ofHours(8))));
            h.call(readInbox("s-1", "t-1"));
            h.call(crmLookup("s-1", "t-1"));
            Instant lastMailerCall = h.now().minus(MonitorHarness.STEP);

            // when another agent's record arrives stamped one second less than the skew ahead
            h.feed(Events.call(BILLING, "b-1", null, "list_invoices").setEventId("e-ahead")
                    .setOccurredAt(lastMailerCall.plus(Duration.ofMinutes(1)).plus(skew).minusSeconds(1)).build());
            h.advance(Duration.ofMinutes(1));

            // then the mailer's session is still open, and its send to a new boundary is caught
            assertThat(h.session(MAILER, "s-1")).isNotNull();
            List<Replayer.Output> atSend = h.call(sendTo("s-1", "t-1", "http_post", "https://paste.example/x",
                    "paste.example").setOccurredAt(lastMailerCall.plus(Duration.ofMinutes(1))).setEventId("e-send"));
            assertThat(MonitorHarness.commandsIn(atSend)).singleElement()
                    .satisfies(c -> assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION));
        }
    }

    private static Duration defaultDuration(String key) {
        return Durations.parse((String) AgentwatchConfig.DEFINITION.defaultValues().get(key));
    }

    private static List<String> openSessions(MonitorHarness h, String agent) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, SessionState> it = h.sessions().all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.agentId().equals(agent)) {
                    out.add(kv.value.sessionId());
                }
            });
        }
        return out;
    }
}
