package io.agentwatch.observe;

import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import io.agentwatch.topology.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link AgentQueries} over a running KafkaStreams: Streams' key metadata says which instance
 * owns an agent (inputs are keyed by agent id with the default partitioner, so the baselines
 * store's metadata locates the sessions and tokens too), interactive queries read the owner's
 * stores. Reads go to the one partition that holds the agent, not to every local store.
 */
final class StreamsAgentQueries implements AgentQueries {
    private static final StringSerializer KEYS = new StringSerializer();

    private final KafkaStreams streams;
    private final HostInfo self;

    StreamsAgentQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public String state() {
        return streams.state().name();
    }

    @Override
    public Route route(String agentId) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return new Unavailable("Kafka Streams is " + state);
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(Names.BASELINES_STORE, agentId, KEYS);
        } catch (RuntimeException e) {
            // Thrown when the state changed since the check above.
            return new Unavailable("Kafka Streams is " + streams.state() + ": " + e.getMessage());
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost() == null
                || metadata.activeHost().port() <= 0) {
            return new Unavailable("no instance owns the agent's partition yet (Kafka Streams is " + state + ")");
        }
        if (metadata.activeHost().equals(self)) {
            return new Local(metadata.partition());
        }
        return new Remote(metadata.activeHost().host() + ":" + metadata.activeHost().port(),
                metadata.standbyHosts().contains(self) ? metadata.partition() : -1);
    }

    @Override
    public Optional<AgentView> local(String agentId, int partition) {
        return view(agentId, partition, false);
    }

    @Override
    public Optional<AgentView> standby(String agentId, int partition) {
        return view(agentId, partition, true);
    }

    private Optional<AgentView> view(String agentId, int partition, boolean standby) {
        Baseline baseline = this.<Baseline>store(Names.BASELINES_STORE, partition, standby).get(agentId);
        List<SessionState> sessions = ofAgent(this.store(Names.SESSIONS_STORE, partition, standby), agentId);
        List<TokenState> tokens = ofAgent(this.store(Names.TOKENS_STORE, partition, standby), agentId);
        if (baseline == null && sessions.isEmpty() && tokens.isEmpty()) {
            return Optional.empty();
        }
        AgentView view = AgentView.of(agentId, self.host() + ":" + self.port(), partition, baseline, sessions, tokens);
        return Optional.of(standby ? view.fromStandby() : view);
    }

    /** {@code stale}: standby replicas (and restoring stores) too, not only the active task's. */
    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query = StoreQueryParameters
                .fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition);
        return streams.store(stale ? query.enableStaleStores() : query);
    }

    /** Keys are agent|id (see {@link Names#key}), so an agent's entries are one prefix range. */
    private static <V> List<V> ofAgent(ReadOnlyKeyValueStore<String, V> store, String agentId) {
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(Names.agentPrefix(agentId), KEYS)) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    @Override
    public List<String> otherInstances() {
        List<String> out = new ArrayList<>();
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            HostInfo host = m.hostInfo();
            if (host != null && host.port() > 0 && !host.equals(self)) {
                out.add(host.host() + ":" + host.port());
            }
        }
        return out;
    }
}
