package io.agentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.serde.AvroSerdes;
import io.agentwatch.simulate.KafkaSink;
import io.agentwatch.testing.AgentwatchProcess;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.testing.StreamsProgress;
import io.agentwatch.testing.TopicRetention;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agentwatch application on a broker, for the fault tests: its own topics (a unique
 * prefix) and application id, a state directory per instance, the config file every instance
 * of it runs with, a producer that writes a trace to its inputs through the registry, and
 * read_committed readers of what it published.
 */
final class Deployment implements AutoCloseable {
    static final String ADMIN_TOKEN = "faults-admin-token";
    static final int PARTITIONS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(4);

    private final String bootstrap;
    private final String registryUrl;
    private final Path directory;
    private final String applicationId;
    private final TopicNames topics;
    private final Map<String, String> extraConfig;
    private final Admin admin;

    private Deployment(String bootstrap, String registryUrl, Path directory, String name, Map<String, String> extra) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.directory = directory;
        this.applicationId = KafkaBrokerExtension.uniqueName("faults-" + name);
        this.topics = TopicNames.defaults().withPrefix(applicationId + ".");
        this.extraConfig = extra;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        TopicSetup.createTopics(admin, topics, PARTITIONS, (short) 1);
        List<String> all = new ArrayList<>(topics.inputs());
        all.addAll(topics.outputs());
        TopicRetention.keepForever(admin, all);
    }

    /**
     * Creates the topics of a new application on {@code bootstrap} (kept whatever their records'
     * age: the trace is dated January 2026); its files go to {@code directory/name}. {@code extra}
     * adds config keys every instance gets.
     */
    static Deployment create(String bootstrap, String registryUrl, Path directory, String name,
                             Map<String, String> extra) throws IOException {
        return new Deployment(bootstrap, registryUrl, Files.createDirectories(directory.resolve(name)), name, extra);
    }

    TopicNames topics() {
        return topics;
    }

    /** The state directory of instance {@code instance} (one per instance, kept across its restarts). */
    Path stateDir(String instance) {
        return directory.resolve("state-" + instance);
    }

    /** Writes the events to the inputs the way producers must (key = agent id, Avro through the registry). */
    void produce(Collection<TraceEvent> events) throws IOException {
        try (KafkaSink sink = KafkaSink.create(Map.of("bootstrap.servers", bootstrap),
                new RegistrySerdes(new AgentwatchConfig(Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl)))
                        .anySerializer(),
                new KafkaSink.Topics(topics.toolCalls(), topics.tokenIssuances(), topics.tokenRevocations()))) {
            for (TraceEvent e : events) {
                sink.write(e);
            }
        }
    }

    /** Starts instance {@code instance} ({@code run} in a child JVM) and waits until it runs; {@code start} counts its starts. */
    AgentwatchProcess start(String instance, int start) throws InterruptedException {
        return launch(instance, start).awaitRunning();
    }

    /** Starts instance {@code instance} and returns at once (see {@link AgentwatchProcess#awaitRunning()}). */
    AgentwatchProcess launch(String instance, int start) {
        Map<String, String> c = new HashMap<>(topics.toConfig());
        c.put("kafka.bootstrap.servers", bootstrap);
        c.put("kafka.application.id", applicationId);
        c.put("kafka.state.dir", stateDir(instance).toString());
        c.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl);
        c.put(AgentwatchConfig.HTTP_PORT, "0");
        c.put(AgentwatchConfig.ADMIN_TOKEN, ADMIN_TOKEN);
        c.putAll(extraConfig);
        return AgentwatchProcess.start(directory, instance + "-" + start, c);
    }

    /** Input records written so far. */
    long inputRecords() throws ExecutionException, InterruptedException {
        return StreamsProgress.written(admin, topics.inputs());
    }

    /** Input records the application has consumed and committed. */
    long committedRecords() throws ExecutionException, InterruptedException {
        return StreamsProgress.committed(admin, applicationId, topics.inputs());
    }

    /** Waits until the application has committed at least {@code records} input records. */
    void awaitCommitted(long records, AgentwatchProcess... running) throws Exception {
        long deadline = System.nanoTime() + PROCESS_TIMEOUT.toNanos();
        while (committedRecords() < records) {
            check(deadline, "committed " + records + " input records", running);
            Thread.sleep(20);
        }
    }

    /** Waits until every input record is consumed and committed, and no output transaction is open. */
    void awaitProcessed(AgentwatchProcess... running) throws Exception {
        long deadline = System.nanoTime() + PROCESS_TIMEOUT.toNanos();
        while (!StreamsProgress.caughtUp(admin, applicationId, topics.inputs(), topics.outputs())) {
            check(deadline, "processed every input record", running);
            Thread.sleep(100);
        }
    }

    private void check(long deadline, String what, AgentwatchProcess... running) throws Exception {
        for (AgentwatchProcess p : running) {
            if (!p.isAlive()) {
                throw new AssertionError(p.name() + " exited before it " + what + "; log " + p.log());
            }
        }
        if (System.nanoTime() > deadline) {
            throw new AssertionError("not " + what + " within " + PROCESS_TIMEOUT.toSeconds() + " s: "
                    + committedRecords() + " of " + inputRecords()
                    + " committed; logs in " + directory);
        }
    }

    /** The command ids of the committed revoke commands, in partition and offset order, repeats included. */
    List<String> revokeCommandIds() {
        Deserializer<RevokeCommand> d = AvroSerdes.forClass(RevokeCommand.class,
                Map.of(AgentwatchConfig.SCHEMA_REGISTRY_URL, registryUrl)).deserializer();
        return StreamsProgress.readCommitted(bootstrap, topics.revokeCommands(), Duration.ofSeconds(60)).stream()
                .map(r -> d.deserialize(topics.revokeCommands(), r.value()).getCommandId()).toList();
    }

    /** {@code /agents/{id}}'s baseline summary of each agent, asked of {@code instance}. */
    Map<String, JsonNode> baselines(AgentwatchProcess instance, Collection<String> agents) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String agent : agents) {
            out.put(agent, agent(instance, agent).get("baseline"));
        }
        return out;
    }

    /**
     * {@code /agents/{id}} of one agent; asks again while it answers 503 (a rebalance), for at
     * most 60 s, and fails unless it then answers 200.
     */
    static JsonNode agent(AgentwatchProcess instance, String agent) {
        AgentwatchProcess.Reply r = instance.get(agentPath(agent));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (r.status() == 503 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(250));
            r = instance.get(agentPath(agent));
        }
        if (r.status() != 200) {
            throw new AssertionError("GET " + agentPath(agent) + " on " + instance.name() + ": " + r.status() + " "
                    + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String agentPath(String agent) {
        return "/agents/" + URLEncoder.encode(agent, StandardCharsets.UTF_8);
    }

    /** Logs what happened, for the fault table of the closing notes. */
    static void report(String fault, CommandTally tally) {
        LOG.info("FAULT-TABLE | {} | expected {} | seen {} (distinct {}) | lost {} | duplicated {} | unexpected {}",
                fault, tally.expected(), tally.seen(), tally.distinct(), tally.lost(), tally.duplicated(),
                tally.unexpected());
    }


    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
