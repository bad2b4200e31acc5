package io.agentwatch.respond;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Evidence;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FrameworkReference;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.detect.Detection;
import java.time.Instant;
import java.util.List;

/** Builds the published records: findings from detections, and signed revoke commands. */
public final class Responses {
    private Responses() {
    }

    /**
     * @param trigger the event id (tool call) or token id (token event) that the finding is about;
     *                with detector, rule, agent, session and the detection's key it makes the finding id
     */
    public static Finding finding(Detection d, String agentId, String sessionId, String trigger, Action action,
                                  Disposition disposition, int sessionRisk, BaselineState baselineState, long eventTime,
                                  long detectedAt, List<String> destinations, List<String> extraNotes) {
        List<String> notes = new java.util.ArrayList<>(d.notes());
        notes.addAll(extraNotes);
        return Finding.newBuilder()
                .setFindingId(Ids.hash("f-", d.detector(), d.rule(), agentId, String.valueOf(sessionId), trigger,
                        String.valueOf(d.key())))
                .setAgentId(agentId)
                .setSessionId(sessionId)
                .setDetector(d.detector())
                .setRule(d.rule())
                .setSeverity(d.severity())
                .setScore(d.score())
                .setSummary(d.summary())
                .setEvidence(Evidence.newBuilder().setEventIds(d.eventIds()).setTools(d.tools())
                        .setBoundaries(d.boundaries()).setScopes(d.scopes()).setTokenIds(d.tokenIds())
                        .setDestinations(destinations).setNotes(notes).build())
                .setObservations(d.observations())
                .setBaselineState(baselineState)
                .setAction(action)
                .setDisposition(disposition)
                .setSessionRisk(Math.min(100, sessionRisk))
                .setDetectedAt(Instant.ofEpochMilli(detectedAt))
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setReferences(d.frameworkItems().stream().map(i -> FrameworkReference.newBuilder()
                        .setFramework(i.framework()).setItem(i.id()).setName(i.name()).build()).toList())
                .build();
    }

    /**
     * The command id depends only on agent, scope and incident (the session for SESSION, the
     * session too for AGENT since a new session is a new incident, the tokens for TOKEN), so a
     * replay of the same input produces the same id and the broker can drop the repeat.
     */
    public static RevokeCommand command(String agentId, RevokeScope scope, String incident, List<String> tokenIds,
                                        String sessionId, List<String> findingIds, String reason,
                                        String triggerEventId, long issuedAt, long expiresAt, CommandSigner signer) {
        String id = Ids.hash("rc-", agentId, scope.name(), incident);
        RevokeCommand c = RevokeCommand.newBuilder()
                .setCommandId(id)
                .setAgentId(agentId)
                .setScope(scope)
                .setTokenIds(tokenIds)
                .setSessionId(sessionId)
                .setReason(reason)
                .setFindingIds(findingIds)
                .setIssuedAt(Instant.ofEpochMilli(issuedAt))
                .setExpiresAt(Instant.ofEpochMilli(expiresAt))
                .setTriggerEventId(triggerEventId)
                .build();
        return signer.sign(c);
    }
}
