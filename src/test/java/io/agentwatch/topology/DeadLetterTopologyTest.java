package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTopologyTest {
    private final MonitorHarness h = MonitorHarness.create(Map.of(AgentwatchConfig.REPLAY_MAX_GAP, "1d"));

    @AfterEach
    void close() {
        h.close();
    }

    /** A good record after the bad one must still be judged: a call with a token nobody issued. */
    private void assertProcessingGoesOn() {
        List<Replayer.Output> out = h.call(readInbox("s-after", "t-ghost"));
        assertThat(MonitorHarness.findingsIn(out)).extracting(Finding::getRule).contains("token.unknown");
    }

    @Test
    void shouldDeadLetterAnAgentIdThatIsNotASpiffeId() {
        // when
        List<Replayer.Output> out = h.feed("billing-bot", Events.call("billing-bot", "s", "t", "list_invoices")
                .setEventId("e-bad").setOccurredAt(h.now()).build());

        // then
        assertThat(out).isEmpty();
        assertThat(h.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("invalid-agent-id");
            assertThat(d.message()).contains("billing-bot");
        });
        assertProcessingGoesOn();
    }

    @Test
    void shouldDeadLetterARecordWhoseKeyIsNotItsAgentId() {
        // when the mailer's call arrives keyed by another agent
        h.feed("spiffe://corp.example/agents/other", readInbox("s", "t-ghost").setEventId("e-bad")
                .setOccurredAt(h.now()).build());

        // then it is not judged (no token.unknown for it)
        assertThat(h.findings()).isEmpty();
        assertThat(h.deadLetters()).singleElement().satisfies(d -> assertThat(d.reason()).isEqualTo("key-mismatch"));
        assertProcessingGoesOn();
    }

    @Test
    void shouldDeadLetterATokenThatExpiresBeforeItIsIssued() {
        // when
        h.issue(mailerToken("t-backwards", "s").setIssuedAt(h.now()).setExpiresAt(h.now().minusSeconds(1)));

        // then
        assertThat(h.deadLetters()).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("invalid-token-lifetime"));
        assertThat(h.token(MAILER, "t-backwards")).isNull();
        assertProcessingGoesOn();
    }

    @Test
    void shouldDeadLetterAFutureTimestampWithoutAdvancingStreamTime() {
        // given a token valid for an hour
        h.issue(mailerToken("t-1", "s-1"));

        // when a record stamped a week ahead arrives
        h.feed(readInbox("s-1", "t-1").setEventId("e-future").setOccurredAt(h.now().plus(Duration.ofDays(7)))
                .build());

        // then it is dead-lettered, the token is still there and still valid for the next call
        assertThat(h.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("future-timestamp");
            assertThat(d.message()).contains("ahead of the trace's stream time");
        });
        assertThat(h.token(MAILER, "t-1")).isNotNull();
        assertThat(h.call(readInbox("s-1", "t-1"))).isEmpty();
        assertProcessingGoesOn();
    }

    @Test
    void shouldDeadLetterBytesThatAreNotInTheWireFormat() {
        // when a broken producer writes plain text to the tool-calls topic
        h.pipeRawToolCall(MAILER, "{\"tool\":\"read_inbox\"}".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(h.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("bad-magic-byte");
            assertThat(d.message()).isNotBlank();
        });
        assertProcessingGoesOn();
    }

    @Test
    void shouldDeadLetterACallWithoutEventId() {
        // when
        h.feed(ToolCall.newBuilder(readInbox("s", "t").setEventId(" ").setOccurredAt(h.now()).build()).build());

        // then
        assertThat(h.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("missing-field");
            assertThat(d.message()).contains("event_id");
        });
        assertProcessingGoesOn();
    }
}
