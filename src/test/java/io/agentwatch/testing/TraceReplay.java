package io.agentwatch.testing;

import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.ConfigLoader;
import io.agentwatch.replay.ReplayReport;
import io.agentwatch.replay.Replayer;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trace file replayed as {@code agentwatch replay} does it (real topology, file order,
 * detected_at = event time), with the default config or a config file as {@code --config} gives
 * it (rules.file, task.types.file included): what the tests compare with the figures the README prints.
 */
public final class TraceReplay {
    /** Everything the replay produced, in order, and its summary counts. */
    public record Result(List<Replayer.Output> outputs, List<Replayer.DeadLetter> deadLetters, long badLines,
                         ReplayReport report) {
    }

    private TraceReplay() {
    }

    /** Replays {@code trace} with the built-in catalog, or with {@code catalog} consulted first when given. */
    public static Result run(Path trace, Path catalog) {
        return run(trace, catalog, null);
    }

    /** As above, with the settings of {@code configFile} (properties) when given. */
    public static Result run(Path trace, Path catalog, Path configFile) {
        Map<String, Object> props = new HashMap<>();
        props.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://trace-replay-" + UUID.randomUUID());
        AgentwatchConfig config = ConfigLoader.load(configFile, Map.of(), props);
        AtomicLong streamTime = new AtomicLong();
        MonitorServices services = new MonitorServices(catalog == null ? ToolCatalog.builtIn() : ToolCatalog.load(catalog),
                Suppressions.none(), new RegistrySerdes(config), DetectionObserver.NONE,
                MonitorHarness.clockOf(streamTime), true, Rules.fromConfig(config));
        List<Replayer.Output> outputs = new ArrayList<>();
        List<Replayer.DeadLetter> deadLetters = new ArrayList<>();
        ReplayReport report = new ReplayReport();
        long bad = 0;
        try (Replayer replayer = new Replayer(config, services, Instant.EPOCH);
             BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                TraceEvent e;
                try {
                    e = TraceCodec.parse(line);
                } catch (IllegalArgumentException badLine) {
                    bad++;
                    report.badLine();
                    continue;
                }
                report.event(e);
                streamTime.set(e.time().toEpochMilli());
                List<Replayer.Output> out = replayer.feed(e);
                out.forEach(report::output);
                outputs.addAll(out);
                deadLetters.addAll(replayer.deadLetters());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(outputs, deadLetters, bad, report);
    }
}
