package io.agentwatch.simulate.attacks;

import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Instant;
import java.util.List;

/**
 * One attack pattern: how a hijacked session goes. Every pattern starts with the agent's usual
 * task and turns part-way through, the way a prompt injection in an email or a web page takes
 * over an agent that is already working.
 */
public interface Hijack {

    /** Roles for which the attack is most telling; the simulator hijacks one of them, or any agent if none is in the fleet. */
    List<String> preferredRoles();

    /** Plans the hijacked session of {@code agent} starting at {@code start}. */
    Task plan(Agent agent, Instant start, Fleet fleet, TokenLedger ledger);
}
