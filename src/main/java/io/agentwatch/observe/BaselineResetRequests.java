package io.agentwatch.observe;

import java.io.IOException;

/**
 * Where the admin endpoint records an operator's baseline reset. The reset must outlive a
 * crash of the instance that accepted it, so it is recorded durably (a Kafka topic the
 * topology reads, see {@code BaselineResetProducer}) before the endpoint answers 202.
 */
@FunctionalInterface
public interface BaselineResetRequests {
    /**
     * Records the reset of {@code agentId}'s baseline; returns once it is durable.
     *
     * @param requestedBy the instance that accepted the request (its host:port)
     * @throws IOException when it could not be recorded: the caller must not report success
     */
    void request(String agentId, String requestedBy) throws IOException;
}
