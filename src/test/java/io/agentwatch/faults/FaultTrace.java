package io.agentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.App;
import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The input of the fault tests: a simulated trace with hijacked sessions among benign ones,
 * and the revoke commands agentwatch must publish for it, which are the ones {@code replay}
 * publishes (command ids are deterministic: agent, scope and incident). The simulator's default
 * start (Monday 2026-01-05) makes it the same trace on every run; {@link Deployment} keeps such
 * old records from the topics' time-based retention.
 *
 * <p>The attacks are the ones an agent's own events reveal (scope drift, exfiltration). A stolen
 * token or an escalating delegation is judged against the token index, a global table that
 * lags the stream; on a backlog, which these tests process, live agentwatch sees the other
 * agent's token later than {@code replay} does, so those commands differ from replay's with or
 * without faults (see the README's "Faults").
 *
 * <p>System properties make it larger for a soak ({@code scripts/faults-soak}):
 * {@code agentwatch.faults.agents} (default 5), {@code agentwatch.faults.live.minutes} (minutes
 * of live traffic after 4 days of history, default 90), {@code agentwatch.faults.seed}.
 */
record FaultTrace(Path file, List<TraceEvent> events, List<String> expectedCommandIds, SortedSet<String> agents) {
    private static final int DAYS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FaultTrace shared;

    /**
     * The trace of this test JVM: generated (and replayed) once, for every fault test class, in
     * a directory of its own under {@code target/}, where it can be read after a failure.
     */
    static synchronized FaultTrace shared() {
        if (shared == null) {
            try {
                shared = generate(Files.createTempDirectory(Files.createDirectories(Path.of("target")), "faults-trace-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static FaultTrace generate(Path directory) {
        int agents = Integer.getInteger("agentwatch.faults.agents", 5);
        long liveMinutes = Long.getLong("agentwatch.faults.live.minutes", 90);
        long seed = Long.getLong("agentwatch.faults.seed", 101);
        Path file = directory.resolve("trace.jsonl");
        Path replayed = directory.resolve("replay.jsonl");
        run("simulate", "--out", file.toString(), "--seed", Long.toString(seed), "--agents", Integer.toString(agents),
                "--days", Integer.toString(DAYS), "--rate", "0", "--duration", Long.toString(liveMinutes * 60),
                "--hijack-every", "300", "--attacks", "scope-drift,exfiltration");
        run("replay", file.toString(), "--out", replayed.toString());
        try {
            List<TraceEvent> events = new ArrayList<>();
            SortedSet<String> agentIds = new TreeSet<>();
            for (String line : Files.readAllLines(file)) {
                TraceEvent e = TraceCodec.parse(line);
                events.add(e);
                agentIds.add(e.agentId());
            }
            List<String> expected = new ArrayList<>();
            for (String line : Files.readAllLines(replayed)) {
                JsonNode out = JSON.readTree(line);
                if (out.path("kind").asText().equals("revoke_command")) {
                    expected.add(out.get("command_id").asText());
                }
            }
            if (expected.isEmpty() || expected.size() != new TreeSet<>(expected).size()) {
                throw new IllegalStateException("replay of " + file + " gave no revoke command, or one twice: "
                        + expected + "; the fault tests need attacks with distinct commands");
            }
            return new FaultTrace(file, List.copyOf(events), List.copyOf(expected), agentIds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code fraction} of the events, in trace order. */
    List<TraceEvent> head(double fraction) {
        return events.subList(0, (int) (events.size() * fraction));
    }

    private static void run(String... args) {
        int exit = App.commandLine().execute(args);
        if (exit != 0) {
            throw new IllegalStateException("agentwatch " + String.join(" ", args) + " exited with " + exit);
        }
    }
}
