package io.agentwatch.topology;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.DetectionSettings;
import io.agentwatch.respond.ApprovalPolicy;
import io.agentwatch.feedback.FindingMemory;
import io.agentwatch.feedback.Verdicts;
import io.agentwatch.respond.Responder;
import io.agentwatch.respond.ResponsePolicy;
import io.agentwatch.respond.ResponseSettings;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.StateSerde;
import io.agentwatch.topology.DetectionObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the agentwatch topology: the one place it is defined, a pure function of config and
 * services. {@code run}, {@code demo}, {@code replay} and the tests all call {@link #build}.
 *
 * <pre>
 * tool-calls / token-issuances / token-revocations /
 * baseline-resets / approvals / finding-feedback ──► validate ─► agent-monitor ─► findings
 *                                                       │ bad ─► dlq   │ stores   ├► revoke-commands
 *                                                                      │          └► token-index
 * token-index ─► token-index-updater (global store, read by agent-monitor)
 * </pre>
 *
 * Records that cannot be decoded, fail validation, fail processing or cannot be written go to
 * the dead-letter topic through {@link DeadLetterExceptionHandler}, with their original bytes.
 */
public final class AgentwatchTopology {
    /** The sources' offset reset: none of their own, auto.offset.reset applies. */
    private static final AutoOffsetReset DEFAULT_RESET = null;
    private static final String GLOBAL_PROCESSING_HANDLER = "processing.exception.handler.global.enabled";

    private AgentwatchTopology() {
    }

    /**
     * Kafka Streams properties for this topology: the config's (exactly_once_v2 and the
     * kafka.* pass-through) plus the dead-letter handlers, which need the DLQ topic and the
     * observer that counts dead letters.
     */
    public static Properties streamsProperties(AgentwatchConfig config, DetectionObserver observer) {
        Properties p = config.streamsProperties();
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(GLOBAL_PROCESSING_HANDLER, true);
        // The main consumer's partition assignor builds a StreamsConfig of its own from the
        // consumer's settings and warns that the global handler is off unless it sees the key too.
        p.put(StreamsConfig.mainConsumerPrefix(GLOBAL_PROCESSING_HANDLER), true);
        p.put(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG, TopicNames.from(config).deadLetters());
        p.put(DeadLetterExceptionHandler.OBSERVER_CONFIG, observer);
        return p;
    }

    public static Topology build(AgentwatchConfig config, MonitorServices services) {
        TopicNames topics = TopicNames.from(config);
        ValueSerdes serdes = services.serdes();
        StringDeserializer keys = new StringDeserializer();
        Topology t = new Topology();

        Duration maxSkew = config.duration(services.replay()
                ? AgentwatchConfig.REPLAY_MAX_GAP : AgentwatchConfig.MAX_FUTURE_SKEW);
        // Replay stamps detected_at with the services' clock, which follows the trace: its first
        // record is judged against the machine's clock instead.
        EventTimeRule timeRule = new EventTimeRule(services.replay() ? Clock.systemUTC() : services.clock(),
                services.replay(), maxSkew);
        TimestampExtractor guard = new FutureTimestampGuard(timeRule, services.clock());
        // Not in replay: a trace file has no headers, and whoever runs a replay chose the file.
        SignedInput in = services.replay() ? SignedInput.off() : SignedInput.fromConfig(config);
        t.addSource(DEFAULT_RESET, Names.TOOL_CALLS_SOURCE, guard, in.keys(),
                in.values(serdes.forClass(ToolCall.class).deserializer()), topics.toolCalls());
        t.addSource(DEFAULT_RESET, Names.TOKEN_ISSUANCES_SOURCE, guard, in.keys(),
                in.values(serdes.forClass(TokenIssued.class).deserializer()), topics.tokenIssuances());
        t.addSource(DEFAULT_RESET, Names.TOKEN_REVOCATIONS_SOURCE, guard, in.keys(),
                in.values(serdes.forClass(TokenRevoked.class).deserializer()), topics.tokenRevocations());
        // Not signed by a gateway: agentwatch's own HTTP endpoint writes these.
        t.addSource(DEFAULT_RESET, Names.BASELINE_RESETS_SOURCE, guard, keys,
                upcast(serdes.forClass(BaselineReset.class).deserializer()), topics.baselineResets());
        t.addSource(DEFAULT_RESET, Names.APPROVALS_SOURCE, guard, in.keys(),
                in.values(serdes.forClass(ApprovalDecision.class).deserializer()), topics.approvals());
        // Signed like the events when signatures are required: a verdict can suppress findings.
        t.addSource(DEFAULT_RESET, Names.FINDING_FEEDBACK_SOURCE, guard, in.keys(),
                in.values(serdes.forClass(FindingFeedback.class).deserializer()), topics.findingFeedback());

        InputRules rules = InputRules.from(config);
        ProcessorSupplier<String, SpecificRecord, Object, Object> validator = () -> new InputValidator(rules, timeRule);
        t.addProcessor(Names.VALIDATE, validator,
                Names.TOOL_CALLS_SOURCE, Names.TOKEN_ISSUANCES_SOURCE, Names.TOKEN_REVOCATIONS_SOURCE,
                Names.BASELINE_RESETS_SOURCE, Names.APPROVALS_SOURCE, Names.FINDING_FEEDBACK_SOURCE);

        DetectionSettings detection = DetectionSettings.from(config);
        BaselinePolicy learning = new BaselinePolicy(config.getInt(AgentwatchConfig.BASELINE_MIN_EVENTS),
                config.getInt(AgentwatchConfig.BASELINE_MIN_DAYS),
                config.duration(AgentwatchConfig.BASELINE_HALF_LIFE).toMillis(),
                config.getInt(AgentwatchConfig.BASELINE_MAX_VALUES),
                config.getInt(AgentwatchConfig.DESTINATION_QUARANTINE_SESSIONS));
        Responder responder = new Responder(new ResponsePolicy(ResponseSettings.from(config)), services.suppressions(),
                ApprovalPolicy.from(config));
        IntentSettings intent = IntentSettings.from(config);
        Verdicts verdicts = new Verdicts(learning, config.duration(AgentwatchConfig.FEEDBACK_SUPPRESSION_TTL).toMillis());
        AgentMonitor.StateLimits limits = new AgentMonitor.StateLimits(config.getInt(AgentwatchConfig.SESSION_MAX_OPEN),
                config.getInt(AgentwatchConfig.SESSION_MAX_BYTES),
                config.duration(AgentwatchConfig.STATE_TOKEN_MAX_LIFETIME).toMillis());
        Duration sessionEndAfter = config.duration(AgentwatchConfig.SESSION_IDLE_TIMEOUT)
                .plus(config.duration(AgentwatchConfig.MAX_FUTURE_SKEW));
        t.addProcessor(Names.AGENT_MONITOR, new ProcessorSupplier<String, SpecificRecord, Object, Object>() {
            @Override
            public AgentMonitor get() {
                return new AgentMonitor(services, detection, learning, intent, responder, verdicts, sessionEndAfter,
                        config.duration(AgentwatchConfig.STATE_RETENTION),
                        config.duration(AgentwatchConfig.PUNCTUATE_INTERVAL), limits);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Ordered, so that describe() and topology-docs/ are stable from run to run.
                return new LinkedHashSet<>(List.of(store(Names.TOKENS_STORE, StateSerde.tokens(), services),
                        store(Names.SESSIONS_STORE, StateSerde.sessions(), services),
                        store(Names.BASELINES_STORE, StateSerde.baselines(), services),
                        store(Names.TASK_BASELINES_STORE, StateSerde.taskBaselines(), services),
                        store(Names.CREDENTIALS_STORE, StateSerde.credentials(), services),
                        store(Names.FINDING_MEMORY_STORE, new StateSerde<>(FindingMemory.class), services)));
            }
        }, Names.VALIDATE);

        StringSerializer keyOut = new StringSerializer();
        int maxRecordBytes = maxRequestBytes(config.streamsProperties());
        t.addSink(Names.FINDINGS_SINK, topics.findings(), keyOut,
                limited(serdes.forClass(Finding.class).serializer(), maxRecordBytes, rules), Names.AGENT_MONITOR);
        t.addSink(Names.REVOKE_COMMANDS_SINK, topics.revokeCommands(), keyOut,
                limited(serdes.forClass(RevokeCommand.class).serializer(), maxRecordBytes, rules), Names.AGENT_MONITOR);
        t.addSink(Names.TOKEN_INDEX_SINK, topics.tokenIndex(), keyOut,
                limited(serdes.forClass(TokenIssued.class).serializer(), maxRecordBytes, rules), Names.AGENT_MONITOR);

        // The token index is a global store: every instance holds all tokens, for the checks
        // that need another agent's token. It is restored from its compacted topic, so no changelog.
        t.addGlobalStore(
                store(Names.TOKEN_INDEX_STORE, serdes.forClass(TokenIssued.class), services).withLoggingDisabled(),
                Names.TOKEN_INDEX_SOURCE, keys, serdes.forClass(TokenIssued.class).deserializer(),
                topics.tokenIndex(), Names.TOKEN_INDEX_UPDATER, TokenIndexUpdater::new);
        return t;
    }

    /**
     * Persistent RocksDB stores, changelogged; in memory without changelog for offline replay,
     * whose state is thrown away at the end and whose driver commits (flushing and
     * checkpointing stores) after every record.
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values,
                                                                      MonitorServices services) {
        if (services.replay()) {
            return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                    .withLoggingDisabled();
        }
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }

    /**
     * The producer's max.request.size as Kafka Streams will set it ({@code producer.} prefix
     * first): outputs and dead letters must fit in it.
     */
    public static int maxRequestBytes(Map<?, ?> streamsConfig) {
        Object value = streamsConfig.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (value == null) {
            value = streamsConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        if (value == null) {
            value = ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        return Integer.parseInt(value.toString().trim());
    }

    @SuppressWarnings("unchecked")
    private static <T> Serializer<T> limited(Serializer<? super T> s, int maxRecordBytes, InputRules rules) {
        return new SizeLimitedSerializer<>((Serializer<T>) s, maxRecordBytes, rules.maxFieldChars());
    }

    @SuppressWarnings("unchecked")
    private static <T> Deserializer<T> upcast(Deserializer<? extends T> d) {
        return (Deserializer<T>) d;
    }
}
