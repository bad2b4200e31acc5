package io.agentwatch.topology;

import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.DetectionSettings;
import io.agentwatch.respond.ResponsePolicy;
import io.agentwatch.respond.ResponseSettings;
import io.agentwatch.state.BaselinePolicy;
import io.agentwatch.state.StateSerde;
import io.agentwatch.topology.DetectionObserver;
import java.time.Duration;
import java.util.Properties;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * baseline-resets ─────────────────────────────────► validate ─► agent-monitor ─► findings
 *                                                       │ bad ─► dlq   │ stores   ├► revoke-commands
 *                                                                      │          └► token-index
 * token-index ─► token-index-updater (global store, read by agent-monitor)
 * </pre>
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
        TimestampExtractor guard = new FutureTimestampGuard(services.clock(), services.replay(), maxSkew.toMillis());
        t.addSource(DEFAULT_RESET, Names.TOOL_CALLS_SOURCE, guard, keys,
                upcast(serdes.forClass(ToolCall.class).deserializer()), topics.toolCalls());
        t.addSource(DEFAULT_RESET, Names.TOKEN_ISSUANCES_SOURCE, guard, keys,
                upcast(serdes.forClass(TokenIssued.class).deserializer()), topics.tokenIssuances());
        t.addSource(DEFAULT_RESET, Names.TOKEN_REVOCATIONS_SOURCE, guard, keys,
                upcast(serdes.forClass(TokenRevoked.class).deserializer()), topics.tokenRevocations());
        t.addSource(DEFAULT_RESET, Names.BASELINE_RESETS_SOURCE, guard, keys,
                upcast(serdes.forClass(BaselineReset.class).deserializer()), topics.baselineResets());

        ProcessorSupplier<String, SpecificRecord, Object, Object> validator =
                () -> new InputValidator(services, maxSkew);
        t.addProcessor(Names.VALIDATE, validator,
                Names.TOOL_CALLS_SOURCE, Names.TOKEN_ISSUANCES_SOURCE, Names.TOKEN_REVOCATIONS_SOURCE,
                Names.BASELINE_RESETS_SOURCE);

        DetectionSettings detection = DetectionSettings.from(config);
        BaselinePolicy learning = new BaselinePolicy(config.getInt(AgentwatchConfig.BASELINE_MIN_EVENTS),
                config.getInt(AgentwatchConfig.BASELINE_MIN_DAYS),
                config.duration(AgentwatchConfig.BASELINE_HALF_LIFE).toMillis(),
                config.getInt(AgentwatchConfig.BASELINE_MAX_VALUES));
        ResponsePolicy policy = new ResponsePolicy(ResponseSettings.from(config));
        t.addProcessor(Names.AGENT_MONITOR, new ProcessorSupplier<String, SpecificRecord, Object, Object>() {
            @Override
            public AgentMonitor get() {
                return new AgentMonitor(services, detection, learning, policy,
                        config.duration(AgentwatchConfig.SESSION_IDLE_TIMEOUT),
                        config.duration(AgentwatchConfig.STATE_RETENTION),
                        config.duration(AgentwatchConfig.PUNCTUATE_INTERVAL));
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Ordered, so that describe() and topology-docs/ are stable from run to run.
                return new LinkedHashSet<>(List.of(store(Names.TOKENS_STORE, StateSerde.tokens(), services),
                        store(Names.SESSIONS_STORE, StateSerde.sessions(), services),
                        store(Names.BASELINES_STORE, StateSerde.baselines(), services)));
            }
        }, Names.VALIDATE);

        StringSerializer keyOut = new StringSerializer();
        t.addSink(Names.FINDINGS_SINK, topics.findings(), keyOut,
                upcast(serdes.forClass(Finding.class).serializer()), Names.AGENT_MONITOR);
        t.addSink(Names.REVOKE_COMMANDS_SINK, topics.revokeCommands(), keyOut,
                upcast(serdes.forClass(RevokeCommand.class).serializer()), Names.AGENT_MONITOR);
        t.addSink(Names.TOKEN_INDEX_SINK, topics.tokenIndex(), keyOut,
                upcast(serdes.forClass(TokenIssued.class).serializer()), Names.AGENT_MONITOR);
        t.addSink(Names.DLQ_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.VALIDATE);

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

    @SuppressWarnings("unchecked")
    private static <T> Deserializer<T> upcast(Deserializer<? extends T> d) {
        return (Deserializer<T>) d;
    }

    @SuppressWarnings("unchecked")
    private static <T> Serializer<T> upcast(Serializer<? super T> s) {
        return (Serializer<T>) s;
    }
}
