package io.agentwatch.serde;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Actor;
import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Evidence;
import io.agentwatch.avro.FeedbackVerdict;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.FrameworkReference;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every generated record type, every optional field set. */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2026-03-01T09:30:00.123Z");
    static final String AGENT = "spiffe://corp.example/agents/billing-bot";

    private SampleRecords() {
    }

    static ToolCall toolCall() {
        return ToolCall.newBuilder()
                .setEventId("evt-1").setOccurredAt(T0).setAgentId(AGENT).setSessionId("sess-1")
                .setTokenId("tok-1").setTool("send_email").setOperation(Operation.SEND)
                .setTarget("mailto:x@y.example").setBoundary("external").setSensitivity(Sensitivity.CONFIDENTIAL)
                .setRequiredScope("mail.send").setDelegatedTo("spiffe://corp.example/agents/helper")
                .setOutcome(Outcome.DENIED).setAttributes(Map.of("gateway", "mcp-1", "latency_ms", "12"))
                .build();
    }

    static TokenIssued tokenIssued() {
        return TokenIssued.newBuilder()
                .setTokenId("tok-1").setAgentId(AGENT).setSessionId("sess-1").setIssuedAt(T0)
                .setExpiresAt(T0.plusSeconds(900)).setScopes(List.of("mail.read", "mail.send")).setAudience("mail-api")
                .setBoundaries(List.of("corp", "external")).setPurpose("answer support mail")
                .setActorChain(List.of(new Actor("spiffe://corp.example/agents/orchestrator", "tok-0"),
                        new Actor("spiffe://corp.example/agents/root", null)))
                .setIssuer("https://broker.corp.example").build();
    }

    static TokenRevoked tokenRevoked() {
        return new TokenRevoked("tok-1", AGENT, T0.plusSeconds(60), "finding f-1", "agentwatch", "cmd-1");
    }

    static Finding finding() {
        return Finding.newBuilder()
                .setFindingId("f-1").setAgentId(AGENT).setSessionId("sess-1").setDetector("CROSS_BOUNDARY")
                .setRule("chain.exfiltration").setSeverity(Severity.CRITICAL).setScore(90)
                .setSummary("Confidential data read in corp was sent to external.")
                .setEvidence(evidence()).setObservations(List.of(observation()))
                .setBaselineState(BaselineState.ACTIVE).setAction(Action.REVOKE_SESSION).setSessionRisk(95)
                .setDetectedAt(T0.plusMillis(7)).setEventTime(T0).setDecidedBy("alice@corp.example")
                .setReferences(List.of(frameworkReference())).build();
    }

    static FrameworkReference frameworkReference() {
        return new FrameworkReference("OWASP-ASI-2026", "ASI02", "Tool Misuse & Exploitation");
    }

    static FindingFeedback findingFeedback() {
        return FindingFeedback.newBuilder().setFeedbackId("fb-1").setFindingId("f-1").setAgentId(AGENT)
                .setVerdict(FeedbackVerdict.FALSE_POSITIVE).setAnalyst("alice@corp.example")
                .setNote("the partner's new billing address").setAt(T0.plusSeconds(3600)).setRule("chain.*")
                .setTool("send_email").setBoundary("external").setDestination("*@partner.example")
                .setExpiresAt(T0.plusSeconds(86_400)).build();
    }

    static RevokeCommand revokeCommand() {
        return new RevokeCommand("cmd-1", AGENT, RevokeScope.SESSION, List.of("tok-1", "tok-2"), "sess-1",
                "exfiltration path", List.of("f-1"), T0, T0.plusSeconds(900), "evt-1", "key-1", "bm9uY2U",
                "c2lnbmF0dXJl");
    }

    static Evidence evidence() {
        return new Evidence(List.of("evt-0", "evt-1"), List.of("read_crm", "send_email"), List.of("corp", "external"),
                List.of("mail.send"), List.of("tok-1"), List.of("paste.example"), List.of("token index may lag the stream"));
    }

    static Observation observation() {
        return new Observation("boundary", "external", "UNSEEN", 0.0, 412.5, 3, 0.0012, 9.7);
    }

    static ApprovalDecision approvalDecision() {
        return new ApprovalDecision("d-1", AGENT, "cmd-2", ApprovalVerdict.DENY, "alice@corp.example",
                T0.plusSeconds(120), "sess-1", "not this customer");
    }

    static Actor actor() {
        return new Actor("spiffe://corp.example/agents/orchestrator", "tok-0");
    }

    static BaselineReset baselineReset() {
        return new BaselineReset(AGENT, T0, "10.0.0.7:8080");
    }

    /** Every generated record class, with its sample. */
    static List<SpecificRecord> all() {
        return List.of(toolCall(), tokenIssued(), tokenRevoked(), finding(), revokeCommand(), evidence(),
                observation(), actor(), baselineReset(), approvalDecision(), frameworkReference(),
                findingFeedback());
    }
}
