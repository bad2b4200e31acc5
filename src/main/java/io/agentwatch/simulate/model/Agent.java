package io.agentwatch.simulate.model;

/**
 * One simulated agent: a SPIFFE id, a role (which also remembers the agent's customers, repos
 * and so on), and its own random stream so that agents do not disturb each other's draws.
 */
public final class Agent {
    public static final String ID_PREFIX = "spiffe://corp.example/agents/";

    private final String name;
    private final Role role;
    private final Rand rand;
    private int sessions;

    public Agent(String name, Role role, Rand rand) {
        this.name = name;
        this.role = role;
        this.rand = rand;
    }

    /** SPIFFE id, e.g. spiffe://corp.example/agents/support-1. */
    public String id() {
        return ID_PREFIX + name;
    }

    /** Short name, e.g. support-1; used in session, token and event ids. */
    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    public Rand rand() {
        return rand;
    }

    /** Number of the next session, from 1. */
    public int nextSessionNumber() {
        return ++sessions;
    }
}
