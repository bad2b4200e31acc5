package io.agentwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentwatch.bench.Bench;
import io.agentwatch.bench.BenchReport;
import io.agentwatch.bench.BenchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Measures throughput against a pass-through baseline, detection latency, state size and replay speed. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark agentwatch on an embedded Kafka broker: a simulated backlog caught up by a "
            + "pass-through Streams app and by the full topology (at-least-once, exactly-once, same settings), "
            + "detection latency at a fixed offered rate with hijacks injected, state per agent and changelog "
            + "bytes per input byte by day of stream time, the longest punctuation, replay speed, heap and RSS.",
            "A table goes to stdout, progress to stderr. The defaults take about 15 minutes on 2 cores."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:The benchmark ran to the end.", "1:It failed (broker, Kafka Streams, I/O).",
            "2:Invalid options.", "130:Interrupted."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--agents", defaultValue = "5000", description = "Simulated agents. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--days", defaultValue = "3",
            description = "Days of simulated history in the backlog (about 105 events per agent and day). Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--threads", defaultValue = "1",
            description = "Stream threads of each application (num.stream.threads). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--warmup", defaultValue = "0.1",
            description = "Share of the backlog processed before the throughput clock starts. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--rate", defaultValue = "20000", paramLabel = "EVENTS/S",
            description = "Offered events per second in the latency phase. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--latency-seconds", defaultValue = "30",
            description = "Length of the latency phase. Default: ${DEFAULT-VALUE}.")
    long latencySeconds;

    @Option(names = "--hijack-every-ms", defaultValue = "25",
            description = "A hijacked session is injected this often in the latency phase. Default: ${DEFAULT-VALUE}.")
    long hijackEveryMs;

    @Option(names = "--replay-events", defaultValue = "0",
            description = "Events of the backlog to replay offline (0: all). Default: ${DEFAULT-VALUE}.")
    long replayEvents;

    @Option(names = "--wait-for-load", defaultValue = "-1", paramLabel = "LOAD",
            description = "Before each measured run, wait (up to 10 min) until the 1-minute load average is below LOAD."
                    + " Default: do not wait.")
    double waitForLoad;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write every figure as JSON to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            settings = new BenchSettings(agents, days, seed, partitions, threads, warmup, rate,
                    Duration.ofSeconds(latencySeconds), Duration.ofMillis(hijackEveryMs), replayEvents);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
        BenchReport report = new Bench(settings, waitForLoad, message -> System.err.println(
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  " + message)).run();
        System.out.print(report.toTable());
        System.out.flush();
        if (out != null) {
            Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report.toJson()) + System.lineSeparator());
        }
        return ExitCodes.OK;
    }
}
