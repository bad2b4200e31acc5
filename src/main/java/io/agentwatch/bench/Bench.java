package io.agentwatch.bench;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.ConfigLoader;
import io.agentwatch.embedded.EmbeddedKafkaBroker;
import io.agentwatch.embedded.TempDirectories;
import io.agentwatch.kafka.TopicSetup;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.topology.AgentwatchTopology;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The benchmark: one embedded broker, one backlog, and on it, with the same Streams settings, a
 * pass-through application and the full topology, at-least-once then exactly-once; then the
 * exactly-once topology, caught up, takes the live phase at a fixed rate for the latency; then
 * its changelogs are read back for the state figures, and the same history is replayed offline.
 */
public final class Bench {
    /** Longest wait for the machine's load to fall before a measured run. */
    private static final long LOAD_WAIT_MS = Duration.ofMinutes(10).toMillis();

    private final BenchSettings settings;
    private final double waitForLoadBelow;
    private final Consumer<String> progress;

    /**
     * @param waitForLoadBelow before each measured run, wait (up to 10 minutes) until the one-minute
     *                         load average is below this; negative: do not wait
     * @param progress         where progress lines go (stderr)
     */
    public Bench(BenchSettings settings, double waitForLoadBelow, Consumer<String> progress) {
        this.settings = settings;
        this.waitForLoadBelow = waitForLoadBelow;
        this.progress = progress;
    }

    public BenchReport run() throws Exception {
        Path work = Files.createTempDirectory("agentwatch-bench-");
        try (ProcessStats stats = new ProcessStats();
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of(
                     // The backlog's history lies days in the past: time-based retention must not delete it.
                     "log.retention.ms", "-1"))) {
            progress.accept("broker ready at " + broker.bootstrapServers());
            Path key = work.resolve("bench-signing.key");
            KeyFiles.write(Ed25519.generate(), key, work.resolve("bench-signing.pub"));
            AgentwatchConfig base = config(broker.bootstrapServers(), work, key, "bench", StreamsConfig.EXACTLY_ONCE_V2);
            TopicNames topics = TopicNames.from(base);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                TopicSetup.createTopics(admin, topics, settings.partitions(), (short) 1);
                admin.createTopics(List.of(new NewTopic(PassThroughTopology.OUTPUT_TOPIC, settings.partitions(),
                        (short) 1))).all().get();
            }
            RegistrySerdes serdes = new RegistrySerdes(base);
            Serializer<SpecificRecord> values = serdes.anySerializer();
            StringSerializer keys = new StringSerializer();
            Sends sends = new Sends();

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(broker.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                progress.accept(String.format("simulating %,d agents over %d days", settings.agents(), settings.days()));
                Backlog backlog = Backlog.simulate(settings);
                Backlog.Loaded loaded = backlog.produce(producer, sends, topics, keys, values, progress);
                progress.accept(String.format("backlog: %,d events, %,d bytes (%.0f events/s generated and sent)",
                        loaded.events(), loaded.bytes(), loaded.generatedPerSecond()));
                long total = loaded.events();
                long warmup = (long) (total * settings.warmupFraction());
                Map<String, Double> load = new LinkedHashMap<>();

                ThroughputRun.Result ptAlos = passThrough(broker, work, key, StreamsConfig.AT_LEAST_ONCE, total, warmup,
                        stats, load);
                ThroughputRun.Result fullAlos;
                BenchObserver alosObserver = new BenchObserver();
                try (KafkaStreams streams = full(broker, work, key, StreamsConfig.AT_LEAST_ONCE, alosObserver)) {
                    load.put("agentwatch_alos", awaitQuietMachine());
                    fullAlos = ThroughputRun.measure("agentwatch, at-least-once", streams,
                            () -> alosObserver.events.get() + alosObserver.deadLetters.get(), total, warmup, stats,
                            progress);
                    report(fullAlos);
                }
                ThroughputRun.Result ptEos = passThrough(broker, work, key, StreamsConfig.EXACTLY_ONCE_V2, total,
                        warmup, stats, load);

                BenchObserver eos = new BenchObserver();
                ThroughputRun.Result fullEos;
                LatencyRun.Result latency;
                long liveHeap;
                long rss;
                long catchUpPunctuations;
                double catchUpLongest;
                String eosApplication;
                try (KafkaStreams streams = full(broker, work, key, StreamsConfig.EXACTLY_ONCE_V2, eos)) {
                    load.put("agentwatch_eos", awaitQuietMachine());
                    fullEos = ThroughputRun.measure("agentwatch, exactly-once", streams,
                            () -> eos.events.get() + eos.deadLetters.get(), total, warmup, stats, progress);
                    report(fullEos);
                    eosApplication = application("agentwatch", StreamsConfig.EXACTLY_ONCE_V2);
                    catchUpLongest = eos.longestPunctuationNanos.get() / 1e6;
                    catchUpPunctuations = eos.punctuations.get();
                    liveHeap = ProcessStats.liveHeap();
                    rss = ProcessStats.rss();
                    eos.longestPunctuationNanos.set(0);
                    load.put("latency", awaitQuietMachine());
                    latency = LatencyRun.measure(backlog.live(), backlog.liveStart(), settings.latencyDuration(),
                            producer, sends, topics, keys, values, serdes.forClass(RevokeCommand.class).deserializer(),
                            consumerConfig(broker.bootstrapServers()), progress);
                    progress.accept(String.format("latency: p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d commands",
                            latency.latencyMs().p50(), latency.latencyMs().p99(), latency.latencyMs().max(),
                            latency.latencyMs().samples()));
                }
                double liveLongest = eos.longestPunctuationNanos.get() / 1e6;

                progress.accept("state: reading the changelogs back");
                List<StateScan.Day> days = StateScan.scan(eosApplication, consumerConfig(broker.bootstrapServers()),
                        loaded.start(), loaded.eventsPerDay().length + 1);
                days = days.subList(0, loaded.eventsPerDay().length);

                load.put("replay", awaitQuietMachine());
                ReplayRun.Result replay = ReplayRun.measure(backlog.history(), settings.replayEvents(), work, base,
                        (observer, clock) -> services(base, observer, clock, true), progress);
                progress.accept(String.format("replay: %,.0f events/s", replay.eventsPerSecond()));
                return new BenchReport(settings, loaded, load, ptEos, fullEos, ptAlos, fullAlos, latency, days,
                        catchUpLongest, catchUpPunctuations, liveLongest, replay, liveHeap, rss, Machine.cores());
            }
        } finally {
            TempDirectories.deleteRecursively(work);
        }
    }

    private ThroughputRun.Result passThrough(EmbeddedKafkaBroker broker, Path work, Path key, String guarantee,
                                             long total, long warmup, ProcessStats stats, Map<String, Double> load)
            throws InterruptedException {
        AgentwatchConfig c = config(broker.bootstrapServers(), work, key, application("pass-through", guarantee),
                guarantee);
        AtomicLong processed = new AtomicLong();
        Properties props = AgentwatchTopology.streamsProperties(c, DetectionObserver.NONE);
        try (KafkaStreams streams = new KafkaStreams(PassThroughTopology.build(TopicNames.from(c), new RegistrySerdes(c),
                processed), props)) {
            load.put("pass_through_" + label(guarantee), awaitQuietMachine());
            ThroughputRun.Result r = ThroughputRun.measure("pass-through, " + label(guarantee), streams, processed::get,
                    total, warmup, stats, progress);
            report(r);
            return r;
        }
    }

    private KafkaStreams full(EmbeddedKafkaBroker broker, Path work, Path key, String guarantee, BenchObserver observer) {
        AgentwatchConfig c = config(broker.bootstrapServers(), work, key, application("agentwatch", guarantee), guarantee);
        MonitorServices services = services(c, observer, Clock.systemUTC(), false);
        return new KafkaStreams(AgentwatchTopology.build(c, services), AgentwatchTopology.streamsProperties(c, observer));
    }

    private static MonitorServices services(AgentwatchConfig c, DetectionObserver observer, Clock clock, boolean replay) {
        return MonitorServices.fromConfig(c, Suppressions.fromConfig(""), Rules.fromConfig(c), observer, clock, replay);
    }

    private double awaitQuietMachine() throws InterruptedException {
        return Machine.awaitLoadBelow(waitForLoadBelow, LOAD_WAIT_MS, progress);
    }

    private void report(ThroughputRun.Result r) {
        progress.accept(String.format("%s: %,.0f events/s (%.2f CPU cores, %,.0f events per CPU-second)", r.name(),
                r.eventsPerSecond(), r.cpuCores(), r.eventsPerCpuSecond()));
    }

    private static String label(String guarantee) {
        return StreamsConfig.AT_LEAST_ONCE.equals(guarantee) ? "alos" : "eos";
    }

    private static String application(String kind, String guarantee) {
        return "bench-" + kind + "-" + label(guarantee);
    }

    /** The same settings for every application but its id, state directory and guarantee. */
    private AgentwatchConfig config(String bootstrap, Path work, Path signingKey, String applicationId,
                                    String guarantee) {
        Map<String, Object> o = new HashMap<>();
        o.put("kafka.bootstrap.servers", bootstrap);
        o.put("kafka.application.id", applicationId);
        o.put("kafka.state.dir", work.resolve("state-" + applicationId).toString());
        o.put("kafka.processing.guarantee", guarantee);
        o.put("kafka.num.stream.threads", Integer.toString(settings.threads()));
        o.put(AgentwatchConfig.SCHEMA_REGISTRY_URL, "mock://agentwatch-bench");
        o.put(AgentwatchConfig.RESPONSE_SIGNING_KEY_FILE, signingKey.toString());
        return ConfigLoader.load(null, Map.of(), o);
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "agentwatch-bench");
        return p;
    }

    private static Map<String, Object> consumerConfig(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return c;
    }
}
