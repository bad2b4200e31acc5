package io.agentwatch.rules;

import java.nio.file.Path;
import java.util.List;

/**
 * A rules file that cannot be used, with every problem found in it (file, rule id, reason), so
 * that an analyst fixes them all at once. Loading is all or nothing: one invalid rule rejects the
 * file, and a running instance keeps the rules it had.
 */
public final class RulesFileException extends IllegalArgumentException {
    private final transient List<String> problems;

    RulesFileException(Path file, List<String> problems) {
        super("rules file " + file + " rejected (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", problems)
                + "\nfix the file (check it with `agentwatch rules check " + file + "`)");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
