package io.agentwatch.simulate.model;

import java.util.List;

/**
 * How an agent of one role works. One instance per agent, because a role also remembers what
 * that agent has dealt with (its billing contacts, its repositories) so that targets repeat the
 * way they do for a real agent.
 */
public interface Role {

    /** Role name as it appears in agent ids: support, billing, coding, research, devops, hr-assistant. */
    String name();

    /** When in the day and week this role works. */
    ActivityProfile profile();

    /** Sessions started per hour at the busiest time of day (the live phase runs at this rate). */
    double sessionsPerBusyHour();

    /** Plans the agent's next task. May delegate part of it to another agent of {@code fleet}. */
    Task nextTask(Agent self, Fleet fleet);

    /**
     * Reads of the most sensitive data this role can reach (CONFIDENTIAL or RESTRICTED): what a
     * hijacked agent of this role would steal.
     */
    List<Step> sensitiveReads(Rand rand);
}
