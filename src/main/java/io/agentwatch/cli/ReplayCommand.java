package io.agentwatch.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.replay.ReplayReport;
import io.agentwatch.replay.Replayer;
import io.agentwatch.replay.TraceClock;
import io.agentwatch.topology.InputRules;
import io.agentwatch.trace.AvroJson;
import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import io.agentwatch.trace.TraceLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs the topology offline over a JSON Lines trace and prints findings and revoke commands. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the detection topology offline (no broker) over a JSON Lines trace.",
            "Writes one JSON object per finding or revoke command, in processing order; a summary goes to stderr.",
            "detected_at is the triggering event's time, so the output of a trace is always the same."})
public final class ReplayCommand implements Callable<Integer> {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Parameters(index = "0", paramLabel = "TRACE.jsonl", description = "Trace file, or - for standard input.")
    String trace;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (properties): thresholds, tiers, catalog.")
    Path config;

    @Option(names = "--catalog", paramLabel = "FILE", description = "Tool catalog (YAML or JSON); overrides catalog.file.")
    Path catalog;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the output lines (default: stdout).")
    Path out;

    @Option(names = "--labels", description = "Score session-level precision and recall against the lines' \"label\".")
    boolean labels;

    @Option(names = "--progress", description = "Progress line on stderr every 100k events (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://replay-" + System.nanoTime());
        if (catalog != null) {
            overrides.put(AgentwatchConfig.CATALOG_FILE, catalog.toString());
        }
        AgentwatchConfig c = Commands.loadConfig(config, overrides);
        TraceLines lines = new TraceLines(open(), c.getInt(AgentwatchConfig.REPLAY_MAX_LINE_BYTES));
        TraceClock eventClock = new TraceClock();
        ReplayReport report = new ReplayReport();
        boolean showProgress = progress != null ? progress : System.console() != null;
        long started = System.nanoTime();
        try (lines; PrintWriter w = writer();
             Replayer replayer = new Replayer(c, Commands.services(c, DetectionObserver.NONE, eventClock, true),
                     Instant.EPOCH)) {
            TraceLines.Line line;
            while ((line = lines.next()) != null) {
                long lineNo = line.number();
                if (line.isReadable() && line.text().isBlank()) {
                    continue;
                }
                String problem = line.problem();
                TraceEvent e = null;
                if (problem == null) {
                    try {
                        e = TraceCodec.parse(line.text());
                    } catch (IllegalArgumentException ex) {
                        problem = ex.getMessage();
                    }
                }
                if (problem != null) {
                    report.badLine();
                    // The message may quote the line: escaped, so that a hostile line cannot drive the terminal.
                    System.err.println("line " + lineNo + ": skipped: " + InputRules.printable(problem, 500));
                    continue;
                }
                report.event(e);
                eventClock.set(e.time().toEpochMilli());
                List<Replayer.Output> outputs = replayer.feed(e);
                for (Replayer.DeadLetter d : replayer.deadLetters()) {
                    report.deadLetter(d.reason());
                    System.err.println("line " + lineNo + ": dead-lettered (" + d.reason() + "): " + d.message());
                }
                for (Replayer.Output o : outputs) {
                    report.output(o);
                    w.println(toJson(o));
                }
                if (showProgress && lineNo % 100_000 == 0) {
                    System.err.printf("... %d lines, %d findings, %d revoke commands%n", lineNo, report.findings(),
                            report.commands());
                }
            }
        }
        System.err.print(report.summary(labels, (System.nanoTime() - started) / 1e9));
        return ExitCodes.OK;
    }

    static ObjectNode toJson(Replayer.Output o) {
        ObjectNode node = NODES.objectNode();
        node.put("kind", kind(o.record()));
        node.setAll(AvroJson.toJson(o.record()));
        node.put("input_event_id", o.inputEventId());
        return node;
    }

    /**
     * finding, revoke_command, or for step-up approval suspend_command / resume_command: a
     * suspension is not a revoke, and scorers that count "revoke" kinds must not count it.
     */
    static String kind(SpecificRecord r) {
        if (r instanceof Finding) {
            return "finding";
        }
        RevokeScope scope = ((RevokeCommand) r).getScope();
        return scope == RevokeScope.SUSPEND ? "suspend_command" : scope == RevokeScope.RESUME ? "resume_command"
                : "revoke_command";
    }

    private InputStream open() {
        if ("-".equals(trace)) {
            return System.in;
        }
        Path p = Path.of(trace);
        if (!Files.isReadable(p)) {
            throw new ExitCodes.UsageException("trace file " + p + " does not exist or is not readable");
        }
        try {
            return Files.newInputStream(p);
        } catch (IOException e) {
            throw new ExitCodes.UsageException("cannot open trace file " + p + ": " + e.getMessage());
        }
    }

    private PrintWriter writer() throws IOException {
        OutputStream os = out == null ? new PrintStream(System.out, false, StandardCharsets.UTF_8)
                : Files.newOutputStream(out);
        return new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8)),
                false);
    }
}
