package io.agentwatch.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one benchmark run measured, as a table for a person and as JSON for comparing runs
 * ({@code throughput.eos.ratio}, {@code latency.p99_ms}, {@code state.bytes_per_agent}, ...).
 */
public record BenchReport(BenchSettings settings, Backlog.Loaded backlog, Map<String, Double> loadBefore,
                          ThroughputRun.Result passThroughEos, ThroughputRun.Result agentwatchEos,
                          ThroughputRun.Result passThroughAlos, ThroughputRun.Result agentwatchAlos,
                          LatencyRun.Result latency, List<StateScan.Day> stateDays, double longestPunctuationMs,
                          long punctuations, double latencyLongestPunctuationMs, ReplayRun.Result replay,
                          long liveHeapBytes, long rssBytes, int cores) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public double eosRatio() {
        return agentwatchEos.eventsPerSecond() / passThroughEos.eventsPerSecond();
    }

    public double alosRatio() {
        return agentwatchAlos.eventsPerSecond() / passThroughAlos.eventsPerSecond();
    }

    /** Live state per agent at the end of the history (the last day of stream time). */
    public double bytesPerAgent() {
        return stateDays.isEmpty() ? Double.NaN : last().totalLive() / (double) settings.agents();
    }

    /** Changelog bytes written over input bytes read, for the whole history. */
    public double changelogPerInputByte() {
        long written = stateDays.stream().mapToLong(StateScan.Day::changelogBytes).sum();
        return written / (double) backlog.bytes();
    }

    private StateScan.Day last() {
        return stateDays.get(stateDays.size() - 1);
    }

    /** Day d's changelog bytes over its input bytes. */
    private double changelogPerInputByte(int day) {
        long in = day < backlog.bytesPerDay().length ? backlog.bytesPerDay()[day] : 0;
        return in == 0 ? Double.NaN : stateDays.get(day).changelogBytes() / (double) in;
    }

    public double replayToLive() {
        return replay == null ? Double.NaN : replay.eventsPerSecond() / agentwatchEos.eventsPerSecond();
    }

    public ObjectNode toJson() {
        ObjectNode root = NODES.objectNode();
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", cores);
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        ObjectNode load = machine.putObject("load_1m_before");
        loadBefore.forEach(load::put);

        ObjectNode s = root.putObject("settings");
        s.put("agents", settings.agents());
        s.put("days", settings.days());
        s.put("seed", settings.seed());
        s.put("partitions", settings.partitions());
        s.put("stream_threads", settings.threads());
        s.put("warmup_fraction", settings.warmupFraction());
        s.put("rate", settings.rate());
        s.put("latency_seconds", settings.latencyDuration().toSeconds());
        s.put("hijack_every_ms", settings.hijackEvery().toMillis());

        ObjectNode b = root.putObject("backlog");
        b.put("events", backlog.events());
        b.put("bytes", backlog.bytes());
        ObjectNode types = b.putObject("by_type");
        backlog.byType().forEach(types::put);
        b.put("generated_per_s", round(backlog.generatedPerSecond()));

        ObjectNode t = root.putObject("throughput");
        guarantee(t.putObject("eos"), passThroughEos, agentwatchEos);
        guarantee(t.putObject("alos"), passThroughAlos, agentwatchAlos);

        ObjectNode l = root.putObject("latency");
        l.put("offered_events_per_s", round(latency.offeredRate()));
        l.put("events", latency.events());
        l.put("hijacked_sessions", latency.attackSessions());
        l.put("revoke_commands", latency.commands());
        l.put("samples", latency.latencyMs().samples());
        l.put("p50_ms", latency.latencyMs().p50());
        l.put("p99_ms", latency.latencyMs().p99());
        l.put("p999_ms", latency.latencyMs().p999());
        l.put("max_ms", latency.latencyMs().max());
        l.put("longest_punctuation_ms", round(latencyLongestPunctuationMs));

        ObjectNode st = root.putObject("state");
        st.put("agents", settings.agents());
        st.put("bytes_per_agent", round(bytesPerAgent()));
        ObjectNode byStore = st.putObject("bytes_per_agent_by_store");
        if (!stateDays.isEmpty()) {
            last().liveBytes().forEach((store, bytes) -> byStore.put(store, round(bytes / (double) settings.agents())));
            ObjectNode entries = st.putObject("entries_by_store");
            last().liveEntries().forEach(entries::put);
        }
        st.put("changelog_bytes_per_input_byte", round(changelogPerInputByte()));
        var days = st.putArray("by_day");
        for (StateScan.Day d : stateDays) {
            ObjectNode day = days.addObject();
            day.put("day", d.day());
            day.put("bytes_per_agent", round(d.totalLive() / (double) settings.agents()));
            day.put("changelog_bytes_per_input_byte", round(changelogPerInputByte(d.day())));
        }

        ObjectNode p = root.putObject("punctuation");
        p.put("longest_ms", round(longestPunctuationMs));
        p.put("count", punctuations);

        ObjectNode r = root.putObject("replay");
        if (replay != null) {
            r.put("events", replay.events());
            r.put("seconds", round(replay.seconds()));
            r.put("events_per_s", round(replay.eventsPerSecond()));
            r.put("ratio_to_live_eos", round(replayToLive()));
        }

        ObjectNode m = root.putObject("memory");
        m.put("heap_live_bytes", liveHeapBytes);
        m.put("heap_peak_bytes", agentwatchEos.peakHeapBytes());
        m.put("rss_bytes", rssBytes);
        m.put("rss_peak_bytes", agentwatchEos.peakRssBytes());
        return root;
    }

    private static void guarantee(ObjectNode node, ThroughputRun.Result passThrough, ThroughputRun.Result agentwatch) {
        run(node.putObject("pass_through"), passThrough);
        run(node.putObject("agentwatch"), agentwatch);
        node.put("ratio", round(agentwatch.eventsPerSecond() / passThrough.eventsPerSecond()));
        node.put("ratio_per_cpu_second", round(agentwatch.eventsPerCpuSecond() / passThrough.eventsPerCpuSecond()));
    }

    private static void run(ObjectNode node, ThroughputRun.Result r) {
        node.put("events", r.events());
        node.put("seconds", round(r.seconds()));
        node.put("events_per_s", round(r.eventsPerSecond()));
        node.put("cpu_cores_used", round(r.cpuCores()));
        node.put("events_per_cpu_s", round(r.eventsPerCpuSecond()));
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }

    /** The table printed on stdout. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        line(out, "backlog", String.format("%,d events of %,d agents over %d days, %,d bytes (key + value)",
                backlog.events(), settings.agents(), backlog.eventsPerDay().length, backlog.bytes()));
        line(out, "machine", String.format("%d cores; load average before the runs %s", cores, loadBefore));
        out.append(String.format(Locale.ROOT, "%n%-34s %12s %12s %10s %14s%n", "throughput (catch-up)", "events/s",
                "CPU cores", "ev/CPU-s", "seconds"));
        row(out, "pass-through, exactly-once", passThroughEos);
        row(out, "agentwatch, exactly-once", agentwatchEos);
        out.append(String.format(Locale.ROOT, "%-34s %12.3f %12s %10.3f%n", "  ratio", eosRatio(), "",
                agentwatchEos.eventsPerCpuSecond() / passThroughEos.eventsPerCpuSecond()));
        row(out, "pass-through, at-least-once", passThroughAlos);
        row(out, "agentwatch, at-least-once", agentwatchAlos);
        out.append(String.format(Locale.ROOT, "%-34s %12.3f %12s %10.3f%n", "  ratio", alosRatio(), "",
                agentwatchAlos.eventsPerCpuSecond() / passThroughAlos.eventsPerCpuSecond()));
        LatencyRun.Percentiles q = latency.latencyMs();
        out.append(String.format(Locale.ROOT, "%nlatency at %.0f events/s offered (exactly-once), harmful call -> revoke"
                        + " command visible read_committed: %d samples (%d hijacked sessions, %d commands)%n",
                latency.offeredRate(), q.samples(), latency.attackSessions(), latency.commands()));
        out.append(String.format(Locale.ROOT, "  p50 %.0f ms   p99 %.0f ms   p999 %.0f ms   max %.0f ms%n", q.p50(),
                q.p99(), q.p999(), q.max()));
        out.append(String.format(Locale.ROOT, "%nstate (exactly-once run, end of each day of stream time)%n"));
        out.append(String.format(Locale.ROOT, "  %-5s %16s %28s%n", "day", "bytes/agent", "changelog bytes/input byte"));
        for (StateScan.Day d : stateDays) {
            out.append(String.format(Locale.ROOT, "  %-5d %16.0f %28.3f%n", d.day(),
                    d.totalLive() / (double) settings.agents(), changelogPerInputByte(d.day())));
        }
        if (!stateDays.isEmpty()) {
            StringBuilder stores = new StringBuilder();
            last().liveBytes().forEach((store, bytes) -> stores.append(String.format(Locale.ROOT, " %s %.0f", store,
                    bytes / (double) settings.agents())));
            line(out, "  by store (bytes/agent)", stores.toString().trim());
        }
        line(out, "  changelog/input, all days", String.format(Locale.ROOT, "%.3f", changelogPerInputByte()));
        out.append(System.lineSeparator());
        line(out, "longest punctuation", String.format(Locale.ROOT, "%.1f ms (catch-up, %d sweeps); %.1f ms live",
                longestPunctuationMs, punctuations, latencyLongestPunctuationMs));
        if (replay != null) {
            line(out, "replay", String.format(Locale.ROOT, "%,.0f events/s (%,d events, %.1f s): %.2f of live"
                    + " exactly-once", replay.eventsPerSecond(), replay.events(), replay.seconds(), replayToLive()));
        }
        line(out, "memory", String.format(Locale.ROOT, "heap live %.0f MiB (peak %.0f MiB in the exactly-once run),"
                        + " RSS %.0f MiB (peak %.0f MiB)", liveHeapBytes / 1048576.0,
                agentwatchEos.peakHeapBytes() / 1048576.0, rssBytes / 1048576.0, agentwatchEos.peakRssBytes() / 1048576.0));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, ThroughputRun.Result r) {
        out.append(String.format(Locale.ROOT, "%-34s %12.0f %12.2f %10.0f %14.1f%n", name, r.eventsPerSecond(),
                r.cpuCores(), r.eventsPerCpuSecond(), r.seconds()));
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format(Locale.ROOT, "%-28s %s%n", label, text));
    }
}
