package io.agentwatch.state;

import java.util.List;

/**
 * A step-up approval agentwatch asked for: the SUSPEND command, what it suspended, and until
 * when a person may decide. {@code deadline} is stream time (the agent's partition);
 * {@code wallDeadline} the wall clock, for a partition that falls quiet while it waits.
 */
public record PendingApproval(String commandId, String sessionId, List<String> tokenIds, List<String> findingIds,
                              String triggerEventId, String reason, long requestedAt, long deadline,
                              long wallDeadline) {
    public PendingApproval {
        tokenIds = List.copyOf(tokenIds);
        findingIds = List.copyOf(findingIds);
    }
}
