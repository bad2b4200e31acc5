package io.agentwatch.simulate.roles;

import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import java.util.List;

/** The simulated roles, by name. */
public final class Roles {
    /** Every role, in the order agents are assigned by default. */
    public static final List<String> NAMES =
            List.of("support", "billing", "coding", "research", "devops", "hr-assistant");

    private Roles() {
    }

    /** A new role instance for one agent; {@code rand} seeds what the agent remembers (contacts, repos). */
    public static Role create(String name, Rand rand) {
        return switch (name) {
            case "support" -> new SupportRole();
            case "billing" -> new BillingRole(rand);
            case "coding" -> new CodingRole(rand);
            case "research" -> new ResearchRole();
            case "devops" -> new DevopsRole();
            case "hr-assistant" -> new HrAssistantRole();
            default -> throw new IllegalArgumentException("unknown role '" + name + "'; known: " + NAMES);
        };
    }
}
