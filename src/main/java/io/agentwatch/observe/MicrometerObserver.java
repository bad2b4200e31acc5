package io.agentwatch.observe;

import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.detect.Detection;
import io.agentwatch.frameworks.Frameworks;
import io.agentwatch.rules.Rules;
import java.nio.file.Path;
import io.agentwatch.topology.Names;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * agentwatch's metrics contract on a Prometheus registry: the names in {@code docs-operating-draft.md}
 * (and {@code MetricNames} in the tests), Micrometer's JVM and process binders, and Kafka Streams'
 * own metrics once {@link #bindStreams} is called.
 *
 * <p>No meter carries an agent, session or token id: every label takes values from a small fixed
 * set (event type, detector, severity, scope, DLQ reason, baseline state, store name), so the
 * number of series does not grow with the number of agents. Counters of known label values are
 * registered at start-up, so that dashboards show 0 rather than nothing, and so that the first
 * increment is counted by {@code rate()} (a series that appears at 1 has no earlier sample).
 *
 * <p>Gauges of agents and store entries are sums over the stream tasks of this instance. Each
 * task reports its own values at every sweep; a task that moved to another instance stops
 * reporting, and its last values are dropped as soon as Kafka Streams no longer lists it among
 * this instance's active tasks (once bound with {@link #bindStreams}).
 */
public final class MicrometerObserver implements DetectionObserver, Rules.Listener, AutoCloseable {
    /**
     * Kafka Streams creates its task, store and topic metrics only when tasks are assigned;
     * Micrometer looks for new ones at this interval (its default, 60 s, would leave RocksDB and
     * lag panels blank for a minute after every start or rebalance).
     */
    static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(5);
    /** At most this often the gauges ask Kafka Streams which tasks are still here. */
    private static final long TASK_CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final List<String> EVENT_TYPES = List.of("tool_call", "token_issued", "token_revoked", "approval",
            "finding_feedback");
    private static final List<String> DETECTORS = List.of(Detection.CREDENTIAL, Detection.SCOPE_DRIFT,
            Detection.CROSS_BOUNDARY, Detection.RATE_ANOMALY, Detection.INTENT, Detection.HYGIENE, Detection.RULE,
            Detection.RESPONSE);
    /** The scopes that revoke: SUSPEND and RESUME (step-up approval) are counted by {@link #approval}. */
    private static final List<RevokeScope> REVOKE_SCOPES = List.of(RevokeScope.TOKEN, RevokeScope.SESSION,
            RevokeScope.AGENT);
    private static final List<String> APPROVAL_OUTCOMES = List.of("requested", "approved", "denied", "timed_out",
            "unmatched");
    private static final List<String> STORES = List.of(Names.TOKENS_STORE, Names.SESSIONS_STORE, Names.BASELINES_STORE,
            Names.TASK_BASELINES_STORE, Names.CREDENTIALS_STORE);
    private static final String LEARNING = "LEARNING";
    private static final String ACTIVE = "ACTIVE";
    /**
     * Label values come from the topology, not from input data; still, a bug that passed an id as a
     * label value would add a series per agent. Past this many values per metric they are counted
     * under "other".
     */
    private static final int MAX_LABEL_VALUES = 64;
    private static final String OTHER = "other";

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> eventsIn = new ConcurrentHashMap<>();
    private final Map<String, Counter> findings = new ConcurrentHashMap<>();
    private final Map<String, Counter> revokes = new ConcurrentHashMap<>();
    private final Map<String, Counter> approvals = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> frameworkFindings = new ConcurrentHashMap<>();
    private final Counter deduplicated;
    private final Counter rulesLoaded;
    private final Counter rulesRejected;
    private final Counter ruleErrors;
    private final Timer detectionLatency;
    private final Timer recordProcessing;
    private final Timer punctuation;
    /** Per task: {learning, active}. */
    private final Map<String, long[]> agentsByTask = new ConcurrentHashMap<>();
    /** Per store, per task: entries. */
    private final Map<String, Map<String, Long>> entriesByStore = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile Supplier<Set<String>> liveTasks;
    private volatile long lastTaskCheck;
    private volatile boolean taskCheckDue;

    /** A new Prometheus registry with the contract metrics and the JVM and process binders. */
    public MicrometerObserver() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public MicrometerObserver(PrometheusMeterRegistry registry) {
        this.registry = registry;
        EVENT_TYPES.forEach(this::eventCounter);
        for (String detector : DETECTORS) {
            for (Severity severity : Severity.values()) {
                findingCounter(detector, severity.name());
            }
        }
        REVOKE_SCOPES.forEach(scope -> revokeCounter(scope.name()));
        APPROVAL_OUTCOMES.forEach(this::approvalCounter);
        Frameworks.mappedItems().forEach(i -> frameworkCounter(i.frameworkLabel(), i.id()));
        deduplicated = Counter.builder("agentwatch.revoke.commands.deduplicated")
                .description("Revokes decided but already covered by an earlier command (one incident, one command)")
                .register(registry);
        rulesLoaded = rulesReloads("loaded");
        rulesRejected = rulesReloads("rejected");
        ruleErrors = Counter.builder("agentwatch.rule.errors")
                .description("Evaluations of an analyst's rule that failed for a call (the rule did not match it)")
                .register(registry);
        // Bucket ranges: wide enough for a lagging consumer (latency) and a large sweep, without
        // dozens of empty buckets below what a JVM can measure.
        detectionLatency = Timer.builder("agentwatch.detection.latency")
                .description("Event time of the call that triggered a revoke command to the wall-clock time the command was produced")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        recordProcessing = Timer.builder("agentwatch.record.processing")
                .description("Time the agent monitor spends on one input record")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        punctuation = Timer.builder("agentwatch.punctuation")
                .description("Time spent in one stream-time sweep of a task (idle sessions, token purge, unconfirmed revokes)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        for (String state : List.of(LEARNING, ACTIVE)) {
            int index = state.equals(LEARNING) ? 0 : 1;
            Gauge.builder("agentwatch.agents", this, o -> o.sumAgents(index))
                    .description("Agents by baseline state, in the tasks of this instance")
                    .tag("state", state).register(registry);
        }
        // Registered now, not at the first sweep: the dashboards' instance variable is built from it.
        STORES.forEach(this::storeGauge);
        bindJvm();
    }

    private void bindJvm() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Adds Kafka Streams' own metrics ({@code kafka_stream_*}, {@code kafka_consumer_*}, ...) and
     * lets the gauges drop tasks that left this instance. Call once, before or after start.
     */
    public synchronized void bindStreams(KafkaStreams streams) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agentwatch-kafka-metrics");
            t.setDaemon(true);
            return t;
        });
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, Tags.empty(), scheduler, KAFKA_METRICS_REFRESH);
        binder.bindTo(registry);
        closeables.add(binder);
        closeables.add(scheduler::shutdownNow);
        liveTasks(() -> activeTasks(streams));
    }

    /** Where the gauges learn which tasks are still on this instance; null: keep every task. */
    void liveTasks(Supplier<Set<String>> tasks) {
        liveTasks = tasks;
        taskCheckDue = true;
    }

    private static Set<String> activeTasks(KafkaStreams streams) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                ids.add(task.taskId().toString());
            }
        }
        return ids;
    }

    @Override
    public void eventIn(String type) {
        eventCounter(type).increment();
    }

    @Override
    public void finding(Finding finding) {
        findingCounter(finding.getDetector(), finding.getSeverity().name()).increment();
        finding.getReferences().forEach(r -> frameworkCounter(Frameworks.label(r.getFramework()), r.getItem()).increment());
    }

    @Override
    public void revokeCommand(RevokeCommand command, long producedAtMs) {
        if (!REVOKE_SCOPES.contains(command.getScope())) {
            return; // a suspension or resumption is not a revoke: counted by approval()
        }
        revokeCounter(command.getScope().name()).increment();
        // A clock behind the producer's would give a negative latency; it is "no delay", not an error.
        long latency = Math.max(0, producedAtMs - command.getIssuedAt().toEpochMilli());
        detectionLatency.record(latency, TimeUnit.MILLISECONDS);
    }

    @Override
    public void approval(String outcome) {
        approvalCounter(outcome).increment();
    }

    @Override
    public void reloaded(Path file, int rules) {
        rulesLoaded.increment();
    }

    @Override
    public void rejected(Path file, List<String> problems) {
        rulesRejected.increment();
    }

    @Override
    public void evaluationFailed(String ruleId, String message) {
        ruleErrors.increment();
    }

    private Counter rulesReloads(String outcome) {
        return Counter.builder("agentwatch.rules.reloads")
                .description("Reloads of rules.file (admin endpoint or file change): loaded, or rejected (the rules in force stay)")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void revokeDeduplicated() {
        deduplicated.increment();
    }

    @Override
    public void deadLetter(String reason) {
        bounded(deadLetters, reason, r -> Counter.builder("agentwatch.dlq.records")
                .description("Records sent to the dead-letter topic, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    @Override
    public void recordProcessed(long nanos) {
        recordProcessing.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void punctuated(long nanos) {
        punctuation.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void agents(String taskId, long learning, long active) {
        agentsByTask.put(taskId, new long[] {learning, active});
    }

    @Override
    public void storeEntries(String taskId, String store, long entries) {
        Map<String, Long> byTask = entriesByStore.get(store);
        if (byTask == null) {
            if (entriesByStore.size() >= MAX_LABEL_VALUES) {
                return;
            }
            byTask = entriesByStore.computeIfAbsent(store, s -> new ConcurrentHashMap<>());
            storeGauge(store);
        }
        byTask.put(taskId, entries);
    }

    private void storeGauge(String store) {
        entriesByStore.computeIfAbsent(store, s -> new ConcurrentHashMap<>());
        Gauge.builder("agentwatch.store.entries", this, o -> o.sumEntries(store))
                .description("Approximate entries of a state store, summed over the tasks of this instance")
                .tag("store", store).register(registry);
    }

    private double sumAgents(int index) {
        pruneTasks();
        return agentsByTask.values().stream().mapToLong(v -> v[index]).sum();
    }

    private double sumEntries(String store) {
        pruneTasks();
        Map<String, Long> byTask = entriesByStore.get(store);
        return byTask == null ? 0 : byTask.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Drops the values of tasks no longer active here, at most once a second (gauges read often). */
    private void pruneTasks() {
        Supplier<Set<String>> source = liveTasks;
        long now = System.nanoTime();
        if (source == null || (!taskCheckDue && now - lastTaskCheck < TASK_CHECK_INTERVAL_NANOS)) {
            return;
        }
        lastTaskCheck = now;
        taskCheckDue = false;
        Set<String> live;
        try {
            live = source.get();
        } catch (RuntimeException e) {
            return; // Kafka Streams closing or not started: keep the last values
        }
        agentsByTask.keySet().retainAll(live);
        entriesByStore.values().forEach(byTask -> byTask.keySet().retainAll(live));
    }

    private Counter eventCounter(String type) {
        return bounded(eventsIn, type, t -> Counter.builder("agentwatch.events.in")
                .description("Input events accepted, by type").tag("type", t).register(registry));
    }

    private Counter findingCounter(String detector, String severity) {
        return bounded(findings, detector + "/" + severity, k -> {
            String[] labels = k.equals(OTHER) ? new String[] {OTHER, OTHER} : k.split("/", 2);
            return Counter.builder("agentwatch.findings").description("Findings published, by detector and severity")
                    .tags("detector", labels[0], "severity", labels[1]).register(registry);
        });
    }

    /**
     * Findings per framework item. The items come from agentwatch's own catalog (analysts' rules
     * can only name items in it), so there are at most {@link Frameworks#knownItems()} series.
     */
    private Counter frameworkCounter(String framework, String item) {
        String key = framework + "/" + item;
        Counter c = frameworkFindings.get(key);
        if (c != null) {
            return c;
        }
        String[] labels = frameworkFindings.size() > Frameworks.knownItems() ? new String[] {OTHER, OTHER}
                : new String[] {framework, item};
        return frameworkFindings.computeIfAbsent(frameworkFindings.size() > Frameworks.knownItems() ? OTHER : key,
                k -> Counter.builder("agentwatch.framework.findings")
                        .description("Findings by the framework item they relate to (OWASP ASI, CSA MAESTRO layer, NIST AI RMF subcategory); a finding counts once per item")
                        .tags("framework", labels[0], "item", labels[1]).register(registry));
    }

    private Counter revokeCounter(String scope) {
        return bounded(revokes, scope, s -> Counter.builder("agentwatch.revoke.commands")
                .description("Revoke commands published to the credential broker, by scope")
                .tag("scope", s).register(registry));
    }

    private Counter approvalCounter(String outcome) {
        return bounded(approvals, outcome, o -> Counter.builder("agentwatch.approvals")
                .description("Step-up approvals, by outcome: requested (token suspended), approved, denied, timed_out,"
                        + " unmatched (a decision answering nothing waiting)")
                .tag("outcome", o).register(registry));
    }

    private static Counter bounded(Map<String, Counter> counters, String key, Function<String, Counter> create) {
        String k = key == null ? OTHER : key;
        Counter c = counters.get(k);
        if (c != null) {
            return c;
        }
        if (counters.size() >= MAX_LABEL_VALUES) {
            return counters.computeIfAbsent(OTHER, create);
        }
        return counters.computeIfAbsent(k, create);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing at shutdown: nothing left to do about a binder that fails to stop.
            }
        }
        closeables.clear();
        registry.close();
    }
}
