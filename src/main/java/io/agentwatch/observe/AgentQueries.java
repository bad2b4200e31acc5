package io.agentwatch.observe;

import java.util.List;
import java.util.Optional;

/**
 * What the HTTP endpoints ask of Kafka Streams: its state, which instance owns an agent, the
 * agent's state from the local stores, and the other instances. The seam lets the routing,
 * forwarding and error handling of {@link HttpEndpoints} be tested without a broker;
 * {@link StreamsAgentQueries} is the real one.
 */
interface AgentQueries {
    /** Where an agent's state lives. */
    sealed interface Route permits Local, Remote, Unavailable {
    }

    /** This instance owns the agent, in the task of {@code partition}. */
    record Local(int partition) implements Route {
    }

    /**
     * Another instance owns the agent; {@code hostPort} is its {@code application.server}.
     * {@code standbyPartition} is the partition of the agent's task when this instance keeps a
     * standby replica of it, else -1.
     */
    record Remote(String hostPort, int standbyPartition) implements Route {
        Remote(String hostPort) {
            this(hostPort, -1);
        }
    }

    /** No owner is known right now (starting, rebalancing); the caller should retry. */
    record Unavailable(String why) implements Route {
    }

    /** Kafka Streams' state, e.g. RUNNING or REBALANCING. */
    String state();

    Route route(String agentId);

    /**
     * The agent's state from this instance's stores, empty when they hold nothing of it.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is
     *         migrating or restoring
     */
    Optional<AgentView> local(String agentId, int partition);

    /**
     * The agent's state from this instance's standby replica of {@code partition}, which may lag
     * the owner's; empty when it holds nothing of the agent.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException when there is no such replica here
     */
    Optional<AgentView> standby(String agentId, int partition);

    /** {@code host:port} of the other instances of the application. */
    List<String> otherInstances();
}
