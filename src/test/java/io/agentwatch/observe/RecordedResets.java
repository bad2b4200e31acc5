package io.agentwatch.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The baseline resets an instance's admin endpoint recorded, held in memory for the test to read. */
final class RecordedResets implements BaselineResetRequests {
    private final List<String> agents = new CopyOnWriteArrayList<>();

    @Override
    public void request(String agentId, String requestedBy) {
        agents.add(agentId);
    }

    boolean isRecorded(String agentId) {
        return agents.contains(agentId);
    }
}
