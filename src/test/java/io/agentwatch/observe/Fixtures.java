package io.agentwatch.observe;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.detect.Detection;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.respond.Responses;
import java.time.Instant;
import java.util.List;

/** Findings and revoke commands as the topology makes them, for the observer tests. */
final class Fixtures {
    static final String AGENT = "spiffe://corp.example/agents/billing-bot";
    static final Instant EVENT_TIME = Instant.parse("2025-03-04T10:15:30Z");

    private Fixtures() {
    }

    static Finding finding() {
        Detection d = Detection.of(Detection.CROSS_BOUNDARY, "chain.exfiltration", Severity.HIGH, 60)
                .summary("read RESTRICTED data in corp,\nthen sent mail to external")
                .event("e-1").event("e-2").tool("db_query").tool("send_mail")
                .boundary("corp").boundary("external").token("tok-1").build();
        return Responses.finding(d, AGENT, "s-1", "e-2", Action.REVOKE_SESSION, Disposition.TAKEN, 85,
                BaselineState.ACTIVE, EVENT_TIME.toEpochMilli(), EVENT_TIME.toEpochMilli() + 40,
                List.of("external.example"), List.of("session risk over the limit"));
    }

    static RevokeCommand command() {
        Finding f = finding();
        return Responses.command(AGENT, RevokeScope.SESSION, "s-1", List.of("tok-1", "tok-2"), "s-1",
                List.of(f.getFindingId()), f.getSummary(), "e-2", EVENT_TIME.toEpochMilli(),
                EVENT_TIME.plusSeconds(3600).toEpochMilli(), CommandSigner.none());
    }
}
