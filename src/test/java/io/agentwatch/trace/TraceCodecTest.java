package io.agentwatch.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceCodecTest {
    private static final String AGENT = "spiffe://corp.example/agents/mailer";

    @Test
    void shouldReadTheThreeLinesOfTheIssueExample() {
        // given
        String issued = "{\"type\":\"token_issued\",\"token_id\":\"t-1\",\"agent_id\":\"" + AGENT + "\","
                + "\"session_id\":\"s-1\",\"issued_at\":\"2026-01-05T09:00:00Z\",\"expires_at\":\"2026-01-05T10:00:00Z\","
                + "\"scopes\":[\"mail:read\",\"mail:send\"],\"audience\":\"mail-api\",\"boundaries\":[\"corp\"],"
                + "\"purpose\":\"answer customer email\",\"actor_chain\":[],\"issuer\":\"https://sts.corp.example\"}";
        String call = "{\"type\":\"tool_call\",\"event_id\":\"e-1\",\"occurred_at\":\"2026-01-05T09:00:03Z\","
                + "\"agent_id\":\"" + AGENT + "\",\"session_id\":\"s-1\",\"token_id\":\"t-1\",\"tool\":\"read_inbox\","
                + "\"operation\":\"READ\",\"target\":\"mailbox:support\",\"boundary\":\"corp\",\"sensitivity\":\"CONFIDENTIAL\","
                + "\"required_scope\":\"mail:read\",\"outcome\":\"OK\",\"attributes\":{}}";
        String revoked = "{\"type\":\"token_revoked\",\"token_id\":\"t-1\",\"agent_id\":\"" + AGENT + "\","
                + "\"revoked_at\":\"2026-01-05T09:30:00Z\",\"reason\":\"task finished\",\"revoked_by\":\"broker\"}";

        // when
        TraceEvent t = TraceCodec.parse(issued);
        TraceEvent c = TraceCodec.parse(call);
        TraceEvent r = TraceCodec.parse(revoked);

        // then
        assertThat(t.event()).isInstanceOfSatisfying(TokenIssued.class, e -> {
            assertThat(e.getScopes()).containsExactly("mail:read", "mail:send");
            assertThat(e.getExpiresAt()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
            assertThat(e.getActorChain()).isEmpty();
        });
        assertThat(c.event()).isInstanceOfSatisfying(ToolCall.class, e -> {
            assertThat(e.getOperation()).isEqualTo(Operation.READ);
            assertThat(e.getSensitivity()).isEqualTo(Sensitivity.CONFIDENTIAL);
            assertThat(e.getOccurredAt()).isEqualTo(Instant.parse("2026-01-05T09:00:03Z"));
        });
        assertThat(r.event()).isInstanceOfSatisfying(TokenRevoked.class,
                e -> assertThat(e.getReason()).isEqualTo("task finished"));
        assertThat(c.agentId()).isEqualTo(AGENT);
        assertThat(r.time()).isEqualTo(Instant.parse("2026-01-05T09:30:00Z"));
        assertThat(c.label()).isNull();
    }

    @Test
    void shouldReadAndWriteAnApprovalLine() {
        // given a person's decision, as an approval service would record it
        String line = "{\"type\":\"approval\",\"decision_id\":\"d-1\",\"agent_id\":\"" + AGENT + "\","
                + "\"command_id\":\"rc-1\",\"verdict\":\"approve\",\"approver\":\"alice@corp.example\","
                + "\"decided_at\":\"2026-01-05T09:05:00Z\"}";

        // when
        TraceEvent e = TraceCodec.parse(line);

        // then
        assertThat(e.event()).isInstanceOfSatisfying(io.agentwatch.avro.ApprovalDecision.class, d -> {
            assertThat(d.getVerdict()).isEqualTo(io.agentwatch.avro.ApprovalVerdict.APPROVE);
            assertThat(d.getApprover()).isEqualTo("alice@corp.example");
            assertThat(d.getSessionId()).isNull();
        });
        assertThat(e.agentId()).isEqualTo(AGENT);
        assertThat(e.time()).isEqualTo(Instant.parse("2026-01-05T09:05:00Z"));
        assertThat(TraceCodec.parse(TraceCodec.format(e.event(), null)).event()).isEqualTo(e.event());
        assertThat(TraceCodec.format(e.event(), null)).startsWith("{\"type\":\"approval\"");
    }

    @Test
    void shouldLetTheCatalogFillWhatALineLeavesOut() {
        // when
        TraceEvent e = TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\",\"occurred_at\":1767603600000,"
                + "\"agent_id\":\"" + AGENT + "\",\"session_id\":\"s\",\"tool\":\"send_email\",\"label\":\"attack\"}");

        // then
        ToolCall c = (ToolCall) e.event();
        assertThat(c.getOccurredAt()).isEqualTo(Instant.parse("2026-01-05T09:00:00Z"));
        assertThat(c.getOperation()).isNull();
        assertThat(c.getSensitivity()).isNull();
        assertThat(c.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(c.getAttributes()).isEmpty();
        assertThat(e.label()).isEqualTo("attack");
    }

    @Test
    void shouldAcceptEpochMillisecondsAsAStringAndEnumsInAnyCase() {
        // when
        TraceEvent e = TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\",\"occurred_at\":\"1767603600000\","
                + "\"agent_id\":\"" + AGENT + "\",\"session_id\":\"s\",\"tool\":\"x\",\"operation\":\"send\"}");

        // then
        assertThat(((ToolCall) e.event()).getOperation()).isEqualTo(Operation.SEND);
        assertThat(e.time()).isEqualTo(Instant.ofEpochMilli(1767603600000L));
    }

    @Test
    void shouldReadTimestampsWithOffsetsOrWithoutZoneAsUtc() {
        // when
        Instant offset = TraceEvent.eventTime(TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\","
                + "\"occurred_at\":\"2026-01-05T10:00:00+01:00\",\"agent_id\":\"" + AGENT + "\",\"tool\":\"x\"}").event());
        Instant spaced = TraceEvent.eventTime(TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\","
                + "\"occurred_at\":\"2026-01-05 09:00:00.250\",\"agent_id\":\"" + AGENT + "\",\"tool\":\"x\"}").event());

        // then
        assertThat(offset).isEqualTo(Instant.parse("2026-01-05T09:00:00Z"));
        assertThat(spaced).isEqualTo(Instant.parse("2026-01-05T09:00:00.250Z"));
        assertThatThrownBy(() -> TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\","
                + "\"occurred_at\":\"yesterday\",\"agent_id\":\"" + AGENT + "\",\"tool\":\"x\"}"))
                .hasMessageContaining("occurred_at").hasMessageContaining("ISO-8601");
    }

    @Test
    void shouldPutACallWithoutSessionIntoItsTokensSessionOrTheDefaultOne() {
        // when
        ToolCall withToken = (ToolCall) TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\","
                + "\"occurred_at\":0,\"agent_id\":\"" + AGENT + "\",\"token_id\":\"t-9\",\"tool\":\"x\"}").event();
        ToolCall without = (ToolCall) TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\","
                + "\"occurred_at\":0,\"agent_id\":\"" + AGENT + "\",\"session_id\":\" \",\"tool\":\"x\"}").event();

        // then
        assertThat(withToken.getSessionId()).isEqualTo("t-9");
        assertThat(without.getSessionId()).isEqualTo("default");
    }

    @Test
    void shouldSayWhatIsWrongWithABadLine() {
        // then
        assertThatThrownBy(() -> TraceCodec.parse("{not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> TraceCodec.parse("[1,2]")).hasMessageContaining("one JSON object per line");
        assertThatThrownBy(() -> TraceCodec.parse("{\"event_id\":\"e\"}")).hasMessageContaining("missing \"type\"");
        assertThatThrownBy(() -> TraceCodec.parse("{\"type\":\"tool_kall\"}")).hasMessageContaining("unknown type 'tool_kall'");
        assertThatThrownBy(() -> TraceCodec.parse("{\"type\":\"token_revoked\",\"agent_id\":\"a\",\"revoked_at\":0}"))
                .hasMessageContaining("missing required field 'token_id'");
        assertThatThrownBy(() -> TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\",\"occurred_at\":\"yesterday\","
                + "\"agent_id\":\"a\",\"session_id\":\"s\",\"tool\":\"x\"}")).hasMessageContaining("occurred_at")
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> TraceCodec.parse("{\"type\":\"tool_call\",\"event_id\":\"e\",\"occurred_at\":0,"
                + "\"agent_id\":\"a\",\"session_id\":\"s\",\"tool\":\"x\",\"operation\":\"STEAL\"}"))
                .hasMessageContaining("operation").hasMessageContaining("STEAL");
    }

    @Test
    void shouldWriteLinesItReadsBackUnchanged() {
        // given
        TokenIssued token = TokenIssued.newBuilder().setTokenId("t").setAgentId(AGENT).setSessionId("s")
                .setIssuedAt(Instant.parse("2026-01-05T09:00:00.123Z")).setExpiresAt(Instant.parse("2026-01-05T10:00:00Z"))
                .setScopes(List.of("a")).setBoundaries(null)
                .setActorChain(List.of(new Actor("spiffe://corp.example/agents/boss", null))).build();
        ToolCall call = ToolCall.newBuilder().setEventId("e").setOccurredAt(Instant.parse("2026-01-05T09:01:00Z"))
                .setAgentId(AGENT).setSessionId("s").setTokenId("t").setTool("x").setOperation(Operation.DELEGATE)
                .setDelegatedTo("spiffe://corp.example/agents/helper").setOutcome(Outcome.DENIED)
                .setAttributes(Map.of("k", "v")).build();

        // when
        TraceEvent tokenBack = TraceCodec.parse(TraceCodec.format(token, null));
        TraceEvent callBack = TraceCodec.parse(TraceCodec.format(call, "benign"));

        // then
        assertThat(tokenBack.event()).isEqualTo(token);
        assertThat(callBack.event()).isEqualTo(call);
        assertThat(callBack.label()).isEqualTo("benign");
        assertThat(TraceCodec.format(call, null)).startsWith("{\"type\":\"tool_call\"");
    }
}
