package io.agentwatch.cli;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.simulate.AttackPattern;
import io.agentwatch.simulate.JsonLinesSink;
import io.agentwatch.simulate.KafkaSink;
import io.agentwatch.simulate.SimulationRunner;
import io.agentwatch.simulate.SimulationSink;
import io.agentwatch.simulate.SimulationSpec;
import io.agentwatch.simulate.Simulator;
import io.agentwatch.simulate.roles.Roles;
import io.agentwatch.config.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code agentwatch simulate}: synthetic agent telemetry, to a JSON Lines file (the input of
 * {@code replay}) or to Kafka. Data goes to the file, stdout or the topics; progress and
 * diagnostics go to stderr.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Simulate AI agents using their credentials: days of benign history (fast-forwarded in event time,"
                + " so baselines can form), then live traffic at --rate events/s with hijacked sessions injected"
                + " every --hijack-every seconds. Same options and --seed, same output.",
            "Events are labelled \"benign\" or \"attack\" (replay --labels scores against them)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all events written (or stopped with Ctrl-C)",
            "1:writing the file or producing to Kafka failed",
            "2:invalid options"})
public final class SimulateCommand implements Callable<Integer> {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers: produce to the input topics instead of writing JSON Lines.")
    private String bootstrap;

    @Option(names = "--schema-registry", paramLabel = "URL", defaultValue = "mock://agentwatch",
            description = "Schema registry of the Avro serde, with --bootstrap. Default: ${DEFAULT-VALUE}.")
    private String schemaRegistry;

    @Option(names = "--out", paramLabel = "FILE.jsonl",
            description = "Write JSON Lines to this file ('-' for stdout). Default: stdout, unless --bootstrap.")
    private Path out;

    @Option(names = "--rate", paramLabel = "EVENTS/S", defaultValue = "50",
            description = "Live events per second; 0 keeps the agents' natural pace. Default: ${DEFAULT-VALUE}.")
    private double rate;

    @Option(names = "--agents", defaultValue = "12", description = "Number of agents. Default: ${DEFAULT-VALUE}.")
    private int agents;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE",
            description = "Roles, assigned to the agents in turn. Default: support,billing,coding,research,devops,"
                    + "hr-assistant.")
    private List<String> roles;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--days", defaultValue = "4", description = "Days of benign history. Default: ${DEFAULT-VALUE}.")
    private int days;

    @Option(names = "--attacks", split = ",", paramLabel = "PATTERN",
            defaultValue = "scope-drift,exfiltration,token-misuse,delegation-escalation",
            description = {"Hijack patterns for the live phase, used in turn: scope-drift, exfiltration, token-misuse,",
                "delegation-escalation, task-switch (an action of another of the agent's tasks: an alert, or a",
                "step-up approval, never a revoke by itself). Default: ${DEFAULT-VALUE}."})
    private List<String> attacks;

    @Option(names = "--attack-count", paramLabel = "N",
            description = "Number of hijacks in all (0: none). Default: one every --hijack-every while live.")
    private Integer attackCount;

    @Option(names = "--hijack-every", paramLabel = "SECONDS", defaultValue = "20",
            description = "Live seconds between hijacks; the first comes after one interval. Default: ${DEFAULT-VALUE}.")
    private double hijackEvery;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Seconds of live traffic. Default: 0 (history only) when writing JSON Lines,"
                    + " until Ctrl-C with --bootstrap.")
    private Double duration;

    @Option(names = "--start", paramLabel = "INSTANT",
            description = "Event time at which the history starts (ISO-8601). Default: 2026-01-05T08:00:00Z for"
                    + " JSON Lines (reproducible); --days before now with --bootstrap, so live events carry the"
                    + " current time.")
    private Instant start;

    @Option(names = "--pace", negatable = true,
            description = "Hold each live event until its time comes on the wall clock. Default: on with"
                    + " --bootstrap, off for JSON Lines.")
    private Boolean pace;

    @Override
    public Integer call() throws InterruptedException {
        boolean toKafka = bootstrap != null;
        if (toKafka && out != null) {
            throw new ParameterException(spec.commandLine(), "choose one output: --out or --bootstrap");
        }
        SimulationSpec simulation = simulationSpec(toKafka);
        PrintWriter err = spec.commandLine().getErr();
        Simulator simulator = new Simulator(simulation);
        err.println(describe(simulation, simulator));
        err.flush();
        StopOnShutdown stop = new StopOnShutdown();
        try (SimulationSink sink = openSink(toKafka)) {
            long written = SimulationRunner.realTime().run(simulator, sink, pace != null ? pace : toKafka,
                    stop::requested, new ProgressLine(err, simulation));
            err.println("simulate: wrote " + written + " events" + (stop.requested() ? " (stopped)" : ""));
            return 0;
        } catch (IOException | KafkaException e) {
            err.println("simulate: " + e.getMessage());
            return 1;
        } finally {
            err.flush();
            stop.done();
        }
    }

    private SimulationSpec simulationSpec(boolean toKafka) {
        try {
            return SimulationSpec.builder()
                    .seed(seed).agents(agents).historyDays(days)
                    .roles(roles != null ? roles : Roles.NAMES)
                    .start(start != null ? start : toKafka
                            ? Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(days))
                            : SimulationSpec.DEFAULT_START)
                    .attacks(attacks.stream().map(AttackPattern::fromCliName).toList())
                    .attackCount(attackCount != null ? attackCount : SimulationSpec.UNLIMITED)
                    .hijackEvery(seconds(hijackEvery, "--hijack-every"))
                    .liveRate(rate)
                    .liveDuration(duration != null ? seconds(duration, "--duration") : toKafka ? null : Duration.ZERO)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Duration seconds(double value, String option) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a non-negative number of seconds");
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }

    private SimulationSink openSink(boolean toKafka) throws IOException {
        if (toKafka) {
            return KafkaSink.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new RegistrySerdes(Commands.loadConfig(null,
                            Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, schemaRegistry))).anySerializer(),
                    new KafkaSink.Topics(Topics.TOOL_CALLS, Topics.TOKEN_ISSUANCES, Topics.TOKEN_REVOCATIONS));
        }
        return out == null || out.toString().equals("-")
                ? JsonLinesSink.toWriter(spec.commandLine().getOut())
                : JsonLinesSink.toFile(out);
    }

    private static String describe(SimulationSpec s, Simulator simulator) {
        String live = !s.hasLivePhase() ? "no live phase"
                : String.format("live %s at %s (x%.0f the agents' natural pace), %s",
                        s.liveDuration() == null ? "until stopped" : "for " + s.liveDuration().toSeconds() + " s",
                        s.liveRate() > 0 ? s.liveRate() + " events/s" : "natural pace", simulator.speedup(),
                        s.attackCount() == 0 || s.attacks().isEmpty() ? "no hijacks"
                                : "a hijack every " + s.hijackEvery().toSeconds() + " s (" + s.attacks() + ")");
        return "simulate: " + s.agents() + " agents, seed " + s.seed() + ", " + s.historyDays()
                + " days of history from " + s.start() + ", " + live;
    }

    /** Prints where the run is on stderr every couple of seconds, on its own line so logs stay readable. */
    private static final class ProgressLine implements Consumer<SimulationRunner.Progress> {
        private final PrintWriter err;
        private final SimulationSpec simulation;
        private long nextAt = System.nanoTime() + PROGRESS_EVERY.toNanos();

        ProgressLine(PrintWriter err, SimulationSpec simulation) {
            this.err = err;
            this.simulation = simulation;
        }

        @Override
        public void accept(SimulationRunner.Progress progress) {
            long now = System.nanoTime();
            if (now < nextAt) {
                return;
            }
            nextAt = now + PROGRESS_EVERY.toNanos();
            long day = Duration.between(simulation.start(), progress.eventTime()).toDays() + 1;
            String where = progress.live() ? "live, event time " + progress.eventTime().truncatedTo(ChronoUnit.SECONDS)
                    : "history day " + day + " of " + simulation.historyDays();
            err.println("simulate: " + progress.events() + " events written, " + where);
            err.flush();
        }
    }

    /**
     * Ctrl-C asks the run to stop and waits (briefly) for it to flush and close its output, so
     * the file ends on a whole line and the producer delivers what it accepted.
     */
    private static final class StopOnShutdown {
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile boolean requested;
        private final Thread hook = new Thread(this::onShutdown, "simulate-shutdown");

        StopOnShutdown() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean requested() {
            return requested;
        }

        private void onShutdown() {
            requested = true;
            try {
                finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void done() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting (Ctrl-C); the hook is running and returns now that we are done.
            }
        }
    }
}
