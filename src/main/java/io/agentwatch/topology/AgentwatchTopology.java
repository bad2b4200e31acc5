package io.agentwatch.topology;

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
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the agentwatch topology: the one place it is defined, a pure function of config and
 * services. {@code run}, {@code demo}, {@code replay} and the tests all call {@link #build}.
 *
 * <pre>
 * tool-calls / token-issuances / token-revocations ─► validate ─► agent-monitor ─► findings
 *                                                       │ bad ─► dlq   │ stores   ├► revoke-commands
 *                                                                      │          └► token-index
 * token-index ─► token-index-updater (global store, read by agent-monitor)
 * </pre>
 */
public final class AgentwatchTopology {
    private AgentwatchTopology() {
    }

    /** Effective topic names, from config. */
    public record TopicNames(String toolCalls, String tokenIssuances, String tokenRevocations, String findings,
                             String revokeCommands, String tokenIndex, String dlq) {
        public static TopicNames from(AgentwatchConfig c) {
            return new TopicNames(c.getString(AgentwatchConfig.TOPIC_TOOL_CALLS),
                    c.getString(AgentwatchConfig.TOPIC_TOKEN_ISSUANCES),
                    c.getString(AgentwatchConfig.TOPIC_TOKEN_REVOCATIONS),
                    c.getString(AgentwatchConfig.TOPIC_FINDINGS),
                    c.getString(AgentwatchConfig.TOPIC_REVOKE_COMMANDS),
                    c.getString(AgentwatchConfig.TOPIC_TOKEN_INDEX),
                    c.getString(AgentwatchConfig.TOPIC_DLQ));
        }

        public java.util.List<String> inputs() {
            return java.util.List.of(toolCalls, tokenIssuances, tokenRevocations);
        }
    }

    public static Topology build(AgentwatchConfig config, MonitorServices services) {
        TopicNames topics = TopicNames.from(config);
        ValueSerdes serdes = services.serdes();
        StringDeserializer keys = new StringDeserializer();
        Topology t = new Topology();

        t.addSource(Names.TOOL_CALLS_SOURCE, keys, upcast(serdes.forClass(ToolCall.class).deserializer()),
                topics.toolCalls());
        t.addSource(Names.TOKEN_ISSUANCES_SOURCE, keys, upcast(serdes.forClass(TokenIssued.class).deserializer()),
                topics.tokenIssuances());
        t.addSource(Names.TOKEN_REVOCATIONS_SOURCE, keys,
                upcast(serdes.forClass(TokenRevoked.class).deserializer()), topics.tokenRevocations());

        ProcessorSupplier<String, SpecificRecord, Object, Object> validator =
                () -> new InputValidator(services, config.duration(services.replay()
                        ? AgentwatchConfig.REPLAY_MAX_GAP : AgentwatchConfig.MAX_FUTURE_SKEW));
        t.addProcessor(Names.VALIDATE, validator,
                Names.TOOL_CALLS_SOURCE, Names.TOKEN_ISSUANCES_SOURCE, Names.TOKEN_REVOCATIONS_SOURCE);

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
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.TOKENS_STORE),
                                Serdes.String(), StateSerde.tokens()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.SESSIONS_STORE),
                                Serdes.String(), StateSerde.sessions()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.BASELINES_STORE),
                                Serdes.String(), StateSerde.baselines()));
            }
        }, Names.VALIDATE);

        StringSerializer keyOut = new StringSerializer();
        t.addSink(Names.FINDINGS_SINK, topics.findings(), keyOut,
                upcast(serdes.forClass(Finding.class).serializer()), Names.AGENT_MONITOR);
        t.addSink(Names.REVOKE_COMMANDS_SINK, topics.revokeCommands(), keyOut,
                upcast(serdes.forClass(RevokeCommand.class).serializer()), Names.AGENT_MONITOR);
        t.addSink(Names.TOKEN_INDEX_SINK, topics.tokenIndex(), keyOut,
                upcast(serdes.forClass(TokenIssued.class).serializer()), Names.AGENT_MONITOR);
        t.addSink(Names.DLQ_SINK, topics.dlq(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.VALIDATE);

        // The token index is a global store: every instance holds all tokens, for the checks
        // that need another agent's token. It is restored from its compacted topic, so no changelog.
        t.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.TOKEN_INDEX_STORE),
                        Serdes.String(), serdes.forClass(TokenIssued.class)).withLoggingDisabled(),
                Names.TOKEN_INDEX_SOURCE, keys, serdes.forClass(TokenIssued.class).deserializer(),
                topics.tokenIndex(), Names.TOKEN_INDEX_UPDATER, TokenIndexUpdater::new);
        return t;
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
