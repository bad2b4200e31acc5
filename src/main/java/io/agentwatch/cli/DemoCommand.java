package io.agentwatch.cli;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.Topics;
import io.agentwatch.embedded.EmbeddedKafkaBroker;
import io.agentwatch.embedded.TempDirectories;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.observe.FindingLog;
import io.agentwatch.runtime.DetectorService;
import io.agentwatch.runtime.LiveDetector;
import io.agentwatch.simulate.AttackPattern;
import io.agentwatch.simulate.DemoApprover;
import io.agentwatch.simulate.KafkaSink;
import io.agentwatch.simulate.SampleCredentialBroker;
import io.agentwatch.simulate.SimulationRunner;
import io.agentwatch.simulate.SimulationSpec;
import io.agentwatch.simulate.Simulator;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole loop on one machine: an embedded Kafka broker, an in-process schema registry, the
 * simulator (days of benign history fast-forwarded, then live traffic with hijacked agents),
 * the detector, and a sample credential broker that acts on revoke commands and sends the
 * revocations back. Step-up approval and task types are on: the sample broker suspends what
 * agentwatch asks it to hold, and a stand-in approver ({@link DemoApprover}) approves, denies or
 * ignores each suspension in turn. Stops after --duration or on Ctrl-C, closing in reverse order.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the full loop locally: embedded Kafka broker, simulated agents (benign and hijacked),",
            "the detector and a sample credential broker. Prints findings and revoke commands as they happen."})
public final class DemoCommand implements Callable<Integer> {
    /**
     * Every pattern, the task switch second: it is the one that can ask for a person's approval
     * (a high-impact call the task never makes), so the loop can show within the first minute.
     */
    private static final List<AttackPattern> DEMO_ATTACKS = List.of(AttackPattern.SCOPE_DRIFT,
            AttackPattern.TASK_SWITCH, AttackPattern.EXFILTRATION, AttackPattern.TOKEN_MISUSE,
            AttackPattern.DELEGATION_ESCALATION);

    /**
     * The live phase starts this long after launch, time enough to send the history, so live
     * events go out at the time they carry and the latency the demo shows is the detector's.
     */
    private static final Duration HISTORY_SEND_TIME = Duration.ofSeconds(6);

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: until Ctrl-C).")
    Long duration;

    @Option(names = "--agents", defaultValue = "12", description = "Simulated agents (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--rate", defaultValue = "40", description = "Live events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--days", defaultValue = "4", description = "Days of benign history to fast-forward first (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--hijack-every", defaultValue = "20", paramLabel = "SECONDS",
            description = "A hijacked session starts about this often in the live phase (default: ${DEFAULT-VALUE}).")
    long hijackEvery;

    @Option(names = "--seed", defaultValue = "7", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of /metrics, /health, /agents/{id} (0: any free port; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        DemoConsole console = new DemoConsole(System.out);
        // The console prints findings for a person; the per-finding log lines would repeat them on the same terminal.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FindingLog.LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            main.interrupt();
            try {
                done.await(40, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        Path stateDir = Files.createTempDirectory("agentwatch-demo-state-");
        // A key pair for this run only: agentwatch signs its commands, the sample broker trusts the public half.
        Path keyDir = Files.createTempDirectory("agentwatch-demo-keys-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Path signingKey = keyDir.resolve("demo-signing.key");
            KeyFiles.write(Ed25519.generate(), signingKey, keyDir.resolve("demo-signing.pub"));
            console.phase(String.format("embedded Kafka broker ready at %s in %.1f s", broker.bootstrapServers(),
                    broker.startupTime().toMillis() / 1000.0));
            Path taskTypes = keyDir.resolve("demo-task-types.yaml");
            try (var in = DemoCommand.class.getResourceAsStream("/demo-task-types.yaml")) {
                Files.copy(in, taskTypes);
            }
            AgentwatchConfig config = demoConfig(broker.bootstrapServers(), stateDir, signingKey, taskTypes);
            TopicNames topics = TopicNames.from(config);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                TopicSetup.createTopics(admin, topics, partitions, (short) 1);
            }
            RegistrySerdes serdes = new RegistrySerdes(config);
            try (LiveDetector live = LiveDetector.start(config, console);
                 DemoApprover approver = new DemoApprover(broker.bootstrapServers(), topics, serdes, Clock.systemUTC());
                 SampleCredentialBroker credentialBroker = new SampleCredentialBroker(broker.bootstrapServers(), topics,
                         serdes, Clock.systemUTC(), KeyFiles.readSigningKey(signingKey).asTrusted(),
                         SampleCredentialBroker.Listener.both(console, approver));
                 KafkaSink sink = KafkaSink.create(Map.of("bootstrap.servers", broker.bootstrapServers()),
                         serdes.anySerializer(), new KafkaSink.Topics(topics.toolCalls(), topics.tokenIssuances(),
                                 topics.tokenRevocations()))) {
                DetectorService detector = live.service();
                console.phase(String.format("detector started (%.1f s since launch); metrics and agent queries on"
                        + " http://127.0.0.1:%d (/metrics, /agents/{id})", (System.nanoTime() - started) / 1e9,
                        live.observability().port()));
                console.phase(String.format("fast-forwarding %d days of benign history for %d agents, then live"
                        + " traffic at %.0f events/s with a hijack about every %d s", days, agents, rate, hijackEvery));
                Simulator simulator = new Simulator(SimulationSpec.builder().seed(seed).agents(agents)
                        .start(Instant.now().plus(HISTORY_SEND_TIME).minus(days, ChronoUnit.DAYS)).historyDays(days)
                        .liveRate(rate)
                        .attacks(DEMO_ATTACKS)
                        .hijackEvery(Duration.ofSeconds(hijackEvery))
                        .liveDuration(duration == null ? null : Duration.ofSeconds(duration)).build());
                Thread producer = new Thread(() -> runSimulator(simulator, sink, stop, console), "demo-simulator");
                producer.setDaemon(true);
                producer.start();
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration * 1_000_000_000L;
                while (!stop.get() && System.nanoTime() < deadline && !detector.hasFailed()) {
                    try {
                        Thread.sleep(Math.min(5_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                    } catch (InterruptedException e) {
                        break;
                    }
                    console.status();
                }
                stop.set(true);
                producer.join(5_000);
                console.phase("stopping: simulator, credential broker, detector, Kafka broker");
                if (detector.hasFailed()) {
                    return ExitCodes.STREAMS_ERROR;
                }
            }
        } finally {
            TempDirectories.deleteRecursively(stateDir);
            TempDirectories.deleteRecursively(keyDir);
            done.countDown();
            Thread.interrupted();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for `done`
            }
        }
        return ExitCodes.OK;
    }

    private static void runSimulator(Simulator simulator, KafkaSink sink, AtomicBoolean stop, DemoConsole console) {
        try {
            AtomicBoolean live = new AtomicBoolean();
            SimulationRunner.realTime().run(simulator, sink, true, stop::get, p -> {
                if (p.live() && live.compareAndSet(false, true)) {
                    console.phase(String.format("history sent (%,d events); live traffic starts now", p.events()));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            console.phase("simulator stopped: " + e.getMessage());
        }
    }

    private AgentwatchConfig demoConfig(String bootstrap, Path stateDir, Path signingKey, Path taskTypes) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("kafka.bootstrap.servers", bootstrap);
        overrides.put("kafka.state.dir", stateDir.toString());
        overrides.put("kafka.application.id", "agentwatch-demo");
        overrides.put("kafka.num.stream.threads", "2");
        overrides.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://agentwatch-demo");
        overrides.put(AgentwatchConfig.HTTP_PORT, Integer.toString(httpPort));
        overrides.put(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, signingKey.toString());
        // The sample broker answers within a second; a minute without an answer is worth a finding.
        overrides.put(AgentwatchConfig.RESPONSE_CONFIRM_TIMEOUT, "1m");
        overrides.put(AgentwatchConfig.TASK_TYPES_FILE, taskTypes.toString());
        // Not new-party: the simulated support and billing agents message new parties after untrusted
        // input in their benign history, whose suspensions would time out within the fast-forward and
        // reach the sample broker already expired.
        overrides.put(AgentwatchConfig.RESPONSE_APPROVAL_WHEN, "money,restricted-write,delegation");
        // Short enough to see a time-out while watching.
        overrides.put(AgentwatchConfig.RESPONSE_APPROVAL_TIMEOUT, "30s");
        return Commands.loadConfig(null, overrides);
    }
}
