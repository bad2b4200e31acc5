package io.agentwatch.simulate;

import io.agentwatch.simulate.attacks.DelegationEscalation;
import io.agentwatch.simulate.attacks.Exfiltration;
import io.agentwatch.simulate.attacks.Hijack;
import io.agentwatch.simulate.attacks.ScopeDrift;
import io.agentwatch.simulate.attacks.TaskSwitch;
import io.agentwatch.simulate.attacks.TokenMisuse;
import java.util.Arrays;
import java.util.function.Supplier;

/** The hijack patterns the simulator can inject, by their command-line names. */
public enum AttackPattern {
    SCOPE_DRIFT("scope-drift", ScopeDrift::new),
    EXFILTRATION("exfiltration", Exfiltration::new),
    TOKEN_MISUSE("token-misuse", TokenMisuse::new),
    DELEGATION_ESCALATION("delegation-escalation", DelegationEscalation::new),
    TASK_SWITCH("task-switch", TaskSwitch::new);

    private final String cliName;
    private final Supplier<Hijack> hijack;

    AttackPattern(String cliName, Supplier<Hijack> hijack) {
        this.cliName = cliName;
        this.hijack = hijack;
    }

    public String cliName() {
        return cliName;
    }

    Hijack hijack() {
        return hijack.get();
    }

    public static AttackPattern fromCliName(String name) {
        return Arrays.stream(values()).filter(p -> p.cliName.equals(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown attack pattern '" + name + "'; known: "
                        + Arrays.stream(values()).map(AttackPattern::cliName).toList()));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
