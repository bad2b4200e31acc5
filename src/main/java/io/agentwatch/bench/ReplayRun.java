package io.agentwatch.bench;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.replay.Replayer;
import io.agentwatch.replay.TraceClock;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import io.agentwatch.trace.TraceLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The offline path on the same data: the backlog written as a JSON Lines trace, then read,
 * parsed and fed through the topology exactly as {@code agentwatch replay} does, timed from the
 * first line to the last (writing the file is not timed).
 */
final class ReplayRun {
    record Result(long events, double seconds, double eventsPerSecond, long findings, long commands) {
    }

    private ReplayRun() {
    }

    static Result measure(Iterator<TraceEvent> history, long maxEvents, Path dir, AgentwatchConfig config,
                          BiFunction<DetectionObserver, Clock, MonitorServices> services, Consumer<String> progress)
            throws IOException {
        Path trace = dir.resolve("backlog.jsonl");
        long written = 0;
        try (BufferedWriter w = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
            while (history.hasNext() && (maxEvents == 0 || written < maxEvents)) {
                TraceEvent e = history.next();
                w.write(TraceCodec.format(e.event(), e.label()));
                w.newLine();
                written++;
            }
        }
        progress.accept(String.format("replay: %,d events written to %s; replaying", written, trace));
        TraceClock traceClock = new TraceClock();
        long events = 0;
        long findings = 0;
        long commands = 0;
        long began = System.nanoTime();
        try (InputStream in = Files.newInputStream(trace);
             TraceLines lines = new TraceLines(in, config.getInt(AgentwatchConfig.REPLAY_MAX_LINE_BYTES));
             Replayer replayer = new Replayer(config, services.apply(DetectionObserver.NONE, traceClock), Instant.EPOCH)) {
            TraceLines.Line line;
            while ((line = lines.next()) != null) {
                TraceEvent e = TraceCodec.parse(line.text());
                traceClock.set(e.time().toEpochMilli());
                for (Replayer.Output o : replayer.feed(e)) {
                    if (o.isFinding()) {
                        findings++;
                    } else {
                        commands++;
                    }
                }
                events++;
            }
        } finally {
            Files.deleteIfExists(trace);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        return new Result(events, seconds, events / seconds, findings, commands);
    }
}
