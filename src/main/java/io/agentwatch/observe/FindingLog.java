package io.agentwatch.observe;

import io.agentwatch.topology.DetectionObserver;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.Disposition;
import io.agentwatch.avro.Evidence;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.config.AgentwatchConfig;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per finding and per revoke command, at INFO on the logger {@value #LOGGER_NAME}:
 * what an operator tails or ships to a log store. Readable text by default; with
 * {@code log.format=json} every line is one JSON object (the line holds only the object, with
 * its own timestamp, level and logger, so a log shipper can parse it as is).
 *
 * <p>Nothing else agentwatch logs at INFO in steady state, so this logger is the findings feed.
 */
public final class FindingLog implements DetectionObserver {
    public static final String LOGGER_NAME = "agentwatch.findings";

    /** Line format, as {@code log.format} names it. */
    public enum Format {
        TEXT, JSON;

        public static Format of(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Format format;
    private final Logger log;
    private final Clock clock;

    public FindingLog(Format format) {
        this(format, LoggerFactory.getLogger(LOGGER_NAME), Clock.systemUTC());
    }

    FindingLog(Format format, Logger log, Clock clock) {
        this.format = format;
        this.log = log;
        this.clock = clock;
    }

    /**
     * The log {@code log.format} asks for. For json, the findings logger is also given a
     * message-only appender on stderr (when the backend is logback), since the usual pattern would
     * put a timestamp and logger name in front of the JSON object.
     */
    public static FindingLog from(AgentwatchConfig config) {
        Format format = Format.of(config.getString(AgentwatchConfig.LOG_FORMAT));
        if (format == Format.JSON) {
            useMessageOnlyLines(System.err);
        }
        return new FindingLog(format);
    }

    /**
     * Sends the findings logger's lines, message only, to {@code out} instead of the root appenders.
     *
     * @return false when the logging backend is not logback (its own configuration then decides)
     */
    static boolean useMessageOnlyLines(OutputStream out) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return false;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setName("agentwatch-findings-json");
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        // Each line is written and flushed whole, so lines of concurrent stream threads do not interleave.
        appender.setImmediateFlush(true);
        appender.start();
        ch.qos.logback.classic.Logger logger = context.getLogger(LOGGER_NAME);
        logger.detachAndStopAllAppenders();
        logger.addAppender(appender);
        logger.setAdditive(false);
        if (logger.getLevel() == null || !logger.isInfoEnabled()) {
            logger.setLevel(ch.qos.logback.classic.Level.INFO);
        }
        return true;
    }

    @Override
    public void finding(Finding f) {
        if (log.isInfoEnabled()) {
            log.info(format == Format.JSON ? json(f) : text(f));
        }
    }

    @Override
    public void revokeCommand(RevokeCommand c, long producedAtMs) {
        if (log.isInfoEnabled()) {
            log.info(format == Format.JSON ? json(c, producedAtMs) : text(c, producedAtMs));
        }
    }

    String text(Finding f) {
        return "finding " + f.getSeverity() + " " + f.getDetector() + "/" + f.getRule()
                + " agent=" + f.getAgentId()
                + (f.getSessionId() == null ? "" : " session=" + f.getSessionId())
                + " action=" + f.getAction() + (f.getDisposition() == Disposition.TAKEN ? "" : " (" + f.getDisposition() + ")")
                + " risk=" + f.getSessionRisk()
                + " baseline=" + f.getBaselineState() + " id=" + f.getFindingId()
                + ": " + oneLine(f.getSummary());
    }

    String text(RevokeCommand c, long producedAtMs) {
        String verb = switch (c.getScope()) {
            case SUSPEND -> "suspend";
            case RESUME -> "resume";
            default -> "revoke " + c.getScope();
        };
        return verb + " agent=" + c.getAgentId()
                + (c.getSessionId() == null ? "" : " session=" + c.getSessionId())
                + " tokens=" + (c.getTokenIds().isEmpty() ? "-" : String.join(",", c.getTokenIds()))
                + " command=" + c.getCommandId()
                + " latency=" + latencyMs(c, producedAtMs) + "ms"
                + ": " + oneLine(c.getReason());
    }

    String json(Finding f) {
        ObjectNode o = header("finding");
        o.put("finding_id", f.getFindingId());
        o.put("agent_id", f.getAgentId());
        o.put("session_id", f.getSessionId());
        o.put("detector", f.getDetector());
        o.put("rule", f.getRule());
        o.put("severity", f.getSeverity().name());
        o.put("score", f.getScore());
        o.put("action", f.getAction().name());
        o.put("disposition", f.getDisposition().name());
        o.put("session_risk", f.getSessionRisk());
        o.put("baseline_state", f.getBaselineState().name());
        o.put("event_time", f.getEventTime().toString());
        o.put("detected_at", f.getDetectedAt().toString());
        o.put("summary", f.getSummary());
        Evidence e = f.getEvidence();
        ObjectNode evidence = o.putObject("evidence");
        array(evidence, "event_ids", e.getEventIds());
        array(evidence, "tools", e.getTools());
        array(evidence, "boundaries", e.getBoundaries());
        array(evidence, "scopes", e.getScopes());
        array(evidence, "token_ids", e.getTokenIds());
        array(evidence, "notes", e.getNotes());
        return write(o);
    }

    String json(RevokeCommand c, long producedAtMs) {
        ObjectNode o = header("revoke_command");
        o.put("command_id", c.getCommandId());
        o.put("agent_id", c.getAgentId());
        o.put("scope", c.getScope().name());
        o.put("session_id", c.getSessionId());
        array(o, "token_ids", c.getTokenIds());
        array(o, "finding_ids", c.getFindingIds());
        o.put("reason", c.getReason());
        o.put("issued_at", c.getIssuedAt().toString());
        o.put("expires_at", c.getExpiresAt().toString());
        o.put("trigger_event_id", c.getTriggerEventId());
        o.put("latency_ms", latencyMs(c, producedAtMs));
        o.put("signed", c.getSignature() != null);
        return write(o);
    }

    private ObjectNode header(String event) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ts", Instant.now(clock).toString());
        o.put("level", "INFO");
        o.put("logger", LOGGER_NAME);
        o.put("event", event);
        return o;
    }

    private static void array(ObjectNode o, String field, List<String> values) {
        var a = o.putArray(field);
        values.forEach(a::add);
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree as text", e);
        }
    }

    private static long latencyMs(RevokeCommand c, long producedAtMs) {
        return Math.max(0, producedAtMs - c.getIssuedAt().toEpochMilli());
    }

    /** Summaries are sentences, but one line per record is the promise: no embedded line breaks. */
    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
