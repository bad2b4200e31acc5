package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.RevokeCommand;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FindingLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T10:15:31Z"), ZoneOffset.UTC);

    private final ch.qos.logback.classic.Logger logger =
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(FindingLog.LOGGER_NAME);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void capture() {
        captured.start();
        logger.addAppender(captured);
    }

    @AfterEach
    void restore() {
        logger.detachAndStopAllAppenders();
        logger.setAdditive(true);
        logger.setLevel(null);
    }

    @Test
    void shouldLogEachFindingAndRevokeCommandAsOneJsonObjectInJsonMode() throws Exception {
        FindingLog log = new FindingLog(FindingLog.Format.JSON, logger, CLOCK);
        RevokeCommand command = Fixtures.command();

        log.finding(Fixtures.finding());
        log.revokeCommand(command, command.getIssuedAt().toEpochMilli() + 120);

        assertThat(captured.list).hasSize(2).allMatch(e -> e.getLevel() == Level.INFO);
        JsonNode finding = JSON.readTree(captured.list.get(0).getFormattedMessage());
        assertThat(finding.get("event").asText()).isEqualTo("finding");
        assertThat(finding.get("agent_id").asText()).isEqualTo(Fixtures.AGENT);
        assertThat(finding.get("detector").asText()).isEqualTo("CROSS_BOUNDARY");
        assertThat(finding.get("severity").asText()).isEqualTo("HIGH");
        assertThat(finding.get("action").asText()).isEqualTo("REVOKE_SESSION");
        assertThat(finding.get("event_time").asText()).isEqualTo("2025-03-04T10:15:30Z");
        assertThat(finding.get("ts").asText()).isEqualTo("2025-03-04T10:15:31Z");
        assertThat(finding.at("/evidence/tools/1").asText()).isEqualTo("send_mail");
        JsonNode revoke = JSON.readTree(captured.list.get(1).getFormattedMessage());
        assertThat(revoke.get("event").asText()).isEqualTo("revoke_command");
        assertThat(revoke.get("scope").asText()).isEqualTo("SESSION");
        assertThat(revoke.get("token_ids").size()).isEqualTo(2);
        assertThat(revoke.get("latency_ms").asLong()).isEqualTo(120);
        assertThat(captured.list).allMatch(e -> !e.getFormattedMessage().contains("\n"));
    }

    @Test
    void shouldLogOneReadableLinePerFindingInTextMode() {
        FindingLog log = new FindingLog(FindingLog.Format.TEXT, logger, CLOCK);
        RevokeCommand command = Fixtures.command();

        log.finding(Fixtures.finding());
        log.revokeCommand(command, command.getIssuedAt().toEpochMilli() + 120);

        List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines.get(0)).startsWith("finding HIGH CROSS_BOUNDARY/chain.exfiltration agent=" + Fixtures.AGENT)
                .contains("session=s-1", "action=REVOKE_SESSION", "risk=85")
                .doesNotContain("\n");
        assertThat(lines.get(1)).startsWith("revoke SESSION agent=" + Fixtures.AGENT)
                .contains("tokens=tok-1,tok-2", "latency=120ms");
    }

    @Test
    void shouldLogNothingForOtherCallbacks() {
        FindingLog log = new FindingLog(FindingLog.Format.TEXT, logger, CLOCK);

        log.eventIn("tool_call");
        log.recordProcessed(1000);
        log.agents("0_0", 1, 2);
        log.deadLetter("invalid-agent-id");

        assertThat(captured.list).isEmpty();
    }

    @Test
    void shouldWriteBareJsonLinesWhenJsonLayoutIsInstalled() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(FindingLog.useMessageOnlyLines(out)).isTrue();
        FindingLog log = new FindingLog(FindingLog.Format.JSON, logger, CLOCK);

        log.finding(Fixtures.finding());
        log.finding(Fixtures.finding());

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(JSON.readTree(line).get("finding_id").asText()).startsWith("f-");
        }
    }

    @Test
    void shouldReadTheFormatAsLogFormatNamesIt() {
        assertThat(FindingLog.Format.of("json")).isEqualTo(FindingLog.Format.JSON);
        assertThat(FindingLog.Format.of(" TEXT ")).isEqualTo(FindingLog.Format.TEXT);
    }
}
