package io.agentwatch.topology;

import static io.agentwatch.testing.Events.MAILER;
import static io.agentwatch.testing.Events.crmLookup;
import static io.agentwatch.testing.Events.listFolders;
import static io.agentwatch.testing.Events.mailerToken;
import static io.agentwatch.testing.Events.readInbox;
import static io.agentwatch.testing.Events.sendTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.Events;
import io.agentwatch.testing.MonitorHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChainTopologyTest {
    private final MonitorHarness h = MonitorHarness.create();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void shouldRevokeSessionAtTheSendWhenConfidentialDataGoesToADestinationTheAgentNeverUsed() {
        // given an ACTIVE mailer whose new token does not restrict boundaries, reading mail and the CRM
        h.withBenignHistory();
        h.issue(mailerToken("t-x", "s-x").setBoundaries(null));
        List<Replayer.Output> beforeSend = new java.util.ArrayList<>();
        beforeSend.addAll(h.call(readInbox("s-x", "t-x").setEventId("e-inbox")));
        beforeSend.addAll(h.call(crmLookup("s-x", "t-x").setEventId("e-crm")));

        // when it posts to a paste site, then goes on
        List<Replayer.Output> atSend = h.call(sendTo("s-x", "t-x", "http_post", "https://paste.example/x",
                "paste.example").setEventId("e-send"));
        List<Replayer.Output> after = new java.util.ArrayList<>();
        after.addAll(h.call(sendTo("s-x", "t-x", "http_post", "https://paste.example/y", "paste.example")));
        after.addAll(h.call(listFolders("s-x", "t-x")));
        h.advance(Duration.ofHours(2));
        after.addAll(h.issue(mailerToken("t-next", "s-next")));

        // then one revoke command, produced while processing the send, naming the session and its token
        assertThat(MonitorHarness.commandsIn(beforeSend)).isEmpty();
        assertThat(MonitorHarness.commandsIn(after)).isEmpty();
        assertThat(h.commands()).hasSize(1);
        Replayer.Output command = atSend.stream().filter(o -> o.record() instanceof RevokeCommand).findFirst()
                .orElseThrow();
        RevokeCommand c = (RevokeCommand) command.record();
        assertThat(command.inputEventId()).isEqualTo("e-send");
        assertThat(c.getTriggerEventId()).isEqualTo("e-send");
        assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
        assertThat(c.getSessionId()).isEqualTo("s-x");
        assertThat(c.getTokenIds()).containsExactly("t-x");
        assertThat(c.getAgentId()).isEqualTo(MAILER);

        // and the finding that caused it says what happened, with the baseline's counts
        Finding f = MonitorHarness.findingsIn(atSend).stream()
                .filter(x -> x.getFindingId().equals(c.getFindingIds().get(0))).findFirst().orElseThrow();
        // (the inbound mail read first is untrusted input: the toxic-flow form of the chain)
        assertThat(f.getRule()).isEqualTo("chain.toxic_flow");
        assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(f.getAction()).isEqualTo(Action.REVOKE_SESSION);
        assertThat(f.getBaselineState()).isEqualTo(BaselineState.ACTIVE);
        assertThat(f.getEvidence().getEventIds()).containsExactly("e-inbox", "e-crm", "e-send");
        assertThat(f.getObservations()).anySatisfy(o -> {
            assertThat(o.getGrain()).isEqualTo("egress");
            assertThat(o.getVerdict()).isEqualTo("UNSEEN");
            assertThat(o.getDistinct()).isEqualTo(1);
            assertThat(o.getTotal()).isGreaterThan(30);
        });
        assertThat(f.getSummary()).contains("paste.example").contains("crm_lookup");
    }

    @Test
    void shouldRevokeAtTheSendWhenTheSessionsTokenWasRefreshedAfterTheSensitiveRead() {
        // given an ACTIVE mailer that reads the CRM with a ten-minute token
        h.withBenignHistory();
        h.issue(mailerToken("t-1", "s-x").setBoundaries(null).setExpiresAt(h.now().plus(Duration.ofMinutes(10))));
        h.call(crmLookup("s-x", "t-1").setEventId("e-crm"));

        // when the broker refreshes the token for the same session, the first one expires, and the
        // data is posted with the new token
        h.at(h.now().plus(Duration.ofMinutes(8)));
        h.issue(mailerToken("t-2", "s-x").setBoundaries(null));
        h.advance(Duration.ofMinutes(3));
        h.call(Events.call(Events.BILLING, "s-b", null, "list_invoices", "invoices:open", "finance", null));
        List<Replayer.Output> atSend = h.call(sendTo("s-x", "t-2", "http_post", "https://paste.example/x",
                "paste.example").setEventId("e-send"));

        // then the chain spans the refresh
        assertThat(MonitorHarness.findingsIn(atSend)).anySatisfy(f -> {
            assertThat(f.getRule()).isEqualTo("chain.exfiltration");
            assertThat(f.getEvidence().getEventIds()).containsExactly("e-crm", "e-send");
        });
        assertThat(MonitorHarness.commandsIn(atSend)).singleElement().satisfies(c -> {
            assertThat(c.getTokenIds()).containsExactly("t-2");
            assertThat(c.getTriggerEventId()).isEqualTo("e-send");
        });
    }

    @Test
    void shouldRevokeFromTheFirstEventWhenSensitiveDataLeavesTheTokensBoundariesWithOneCommand() {
        // given a brand-new agent, baseline LEARNING, with a token for corp and customer-mail
        h.issue(mailerToken("t-1", "s-1"));
        h.call(crmLookup("s-1", "t-1"));

        // when it posts the data to a paste site
        List<Replayer.Output> atSend = h.call(sendTo("s-1", "t-1", "http_post", "https://paste.example/x",
                "paste.example").setEventId("e-send"));

        // then the chain is CRITICAL and one command revokes the session at the send
        assertThat(MonitorHarness.findingsIn(atSend)).anySatisfy(f -> {
            assertThat(f.getRule()).isEqualTo("chain.exfiltration");
            assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.getBaselineState()).isEqualTo(BaselineState.LEARNING);
        });
        assertThat(MonitorHarness.commandsIn(atSend)).singleElement().satisfies(c -> {
            assertThat(c.getScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(c.getTokenIds()).containsExactly("t-1");
            assertThat(c.getTriggerEventId()).isEqualTo("e-send");
        });
    }

    @Test
    void shouldOnlyAlertWhileLearningWhenDataGoesToABoundaryNotUsedSoFar() {
        // given a LEARNING agent with an unrestricted token
        h.issue(mailerToken("t-1", "s-1").setBoundaries(null));
        h.call(crmLookup("s-1", "t-1"));

        // when
        List<Replayer.Output> atSend = h.call(sendTo("s-1", "t-1", "http_post", "https://paste.example/x",
                "paste.example"));

        // then
        assertThat(MonitorHarness.findingsIn(atSend)).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("chain.cross_boundary");
            assertThat(f.getAction()).isEqualTo(Action.ALERT);
            assertThat(f.getEvidence().getNotes()).anySatisfy(n -> assertThat(n).contains("LEARNING"));
        });
        assertThat(h.commands()).isEmpty();
    }

    @Test
    void shouldRevokeSessionOnToxicFlowOfUntrustedInputPrivateDataAndAnExternalSink() {
        // given an ACTIVE mailer with a token that also allows the internet
        h.withBenignHistory();
        h.issue(mailerToken("t-x", "s-x").setBoundaries(List.of("corp", "customer-mail", "internet")));
        h.call(Events.call(MAILER, "s-x", "t-x", "web_fetch").setTarget("https://evil.example/howto").setEventId("e-web"));
        h.call(crmLookup("s-x", "t-x").setBoundary(null).setEventId("e-crm"));

        // when it shares a corp document with anyone who has the link (the private data's own
        // boundary was not labelled, so only the toxic-flow rule can judge it)
        List<Replayer.Output> atShare = h.call(Events.call(MAILER, "s-x", "t-x", "share_document", "link:anyone",
                "corp", null).setEventId("e-share"));

        // then
        assertThat(MonitorHarness.findingsIn(atShare)).anySatisfy(f -> {
            assertThat(f.getRule()).isEqualTo("chain.toxic_flow");
            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(f.getEvidence().getEventIds()).containsExactly("e-web", "e-crm", "e-share");
        });
        assertThat(MonitorHarness.commandsIn(atShare)).singleElement()
                .satisfies(c -> assertThat(c.getTriggerEventId()).isEqualTo("e-share"));
        assertThat(h.commands()).hasSize(1);
    }

    @Test
    void shouldFlagASessionThatHopsAcrossMoreBoundariesThanTheLimitAndTheAgentsUsual() {
        // given an ACTIVE mailer (its sessions touch 2 boundaries) with an unrestricted token
        h.withBenignHistory();
        h.issue(mailerToken("t-x", "s-x").setBoundaries(null));
        h.call(listFolders("s-x", "t-x"));
        for (String zone : List.of("zone-a", "zone-b", "zone-c")) {
            h.call(Events.call(MAILER, "s-x", "t-x", "list_files", "share:" + zone, zone, null));
        }
        assertThat(h.findings("chain.boundary_hopping")).isEmpty();

        // when a fifth boundary comes within ten minutes
        List<Replayer.Output> fifth = h.call(Events.call(MAILER, "s-x", "t-x", "list_files", "share:zone-d", "zone-d",
                null).setEventId("e-fifth"));

        // then
        assertThat(MonitorHarness.findingsIn(fifth)).anySatisfy(f -> {
            assertThat(f.getRule()).isEqualTo("chain.boundary_hopping");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getEvidence().getEventIds()).containsExactly("e-fifth");
        });
        assertThat(h.findings("chain.boundary_hopping")).hasSize(1);
    }

    @Test
    void shouldAlertOnABurstOfCallsFarAboveTheAgentsUsualRate() {
        // given an ACTIVE mailer that makes about 3 calls per 5 minutes
        h.withBenignHistory();
        h.issue(mailerToken("t-x", "s-x"));
        h.at(h.now().plus(Duration.ofMinutes(4))); // 09:05, the start of a rate window

        // when it makes 70 calls four seconds apart
        List<Replayer.Output> out = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            out.addAll(h.call(listFolders("s-x", "t-x").setEventId("e-burst-" + i)
                    .setOccurredAt(h.now().plusSeconds(4L * i))));
        }

        // then one alert, at the 61st call of the window
        assertThat(MonitorHarness.findingsIn(out)).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("rate.burst");
            assertThat(f.getDetector()).isEqualTo("RATE_ANOMALY");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getEvidence().getEventIds()).containsExactly("e-burst-60");
        });
        assertThat(h.commands()).isEmpty();
    }
}
