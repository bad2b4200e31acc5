package io.agentwatch.rules;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.Detector;
import java.nio.file.Path;
import java.util.List;

/**
 * The analysts' rules of one instance: the set compiled from {@code rules.file}, replaced as a
 * whole by {@link #reload} (admin endpoint, file watch). A file that fails to load is rejected
 * whole and the current set stays, so a running instance always judges by its last good rules.
 * Readers always see one complete set.
 */
public final class Rules {
    /** What happens to the rules, for metrics and logs. Called on any thread; must be fast. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** A file was loaded and its rules are now in force. */
        default void reloaded(Path file, int rules) {
        }

        /** A reload was refused; the previous rules stay. */
        default void rejected(Path file, List<String> problems) {
        }

        /** A rule could not be evaluated for a call (it did not match). */
        default void evaluationFailed(String ruleId, String message) {
        }
    }

    private final Path file;
    private final RuleFile compiler;
    private volatile RuleSet current;
    private volatile Listener listener = Listener.NONE;

    private Rules(Path file, RuleFile compiler, RuleSet current) {
        this.file = file;
        this.compiler = compiler;
        this.current = current;
    }

    public static Rules none() {
        return new Rules(null, null, RuleSet.empty());
    }

    /**
     * The rules of {@code rules.file}, compiled with the configured limits; none when it is empty.
     *
     * @throws RulesFileException when the file cannot be used: the instance must not start with it
     */
    public static Rules fromConfig(AgentwatchConfig config) {
        String name = config.getString(AgentwatchConfig.RULES_FILE);
        if (name == null || name.isBlank()) {
            return none();
        }
        RuleFile compiler = compiler(config);
        Path path = Path.of(name);
        return new Rules(path, compiler, compiler.load(path));
    }

    /** The compiler with the limits of {@code config}: the same checks at start, on reload and in `rules check`. */
    public static RuleFile compiler(AgentwatchConfig config) {
        return new RuleFile(config.getInt(AgentwatchConfig.INPUT_MAX_FIELD_CHARS),
                config.getInt(AgentwatchConfig.INPUT_MAX_LIST_ENTRIES), config.getLong(AgentwatchConfig.RULES_MAX_COST));
    }

    public void listen(Listener l) {
        listener = l == null ? Listener.NONE : l;
    }

    /** Re-reads the file; on error the current rules stay and the exception lists the problems. */
    public synchronized int reload() {
        if (file == null) {
            return 0;
        }
        try {
            current = compiler.load(file);
        } catch (RulesFileException e) {
            listener.rejected(file, e.problems());
            throw e;
        }
        listener.reloaded(file, current.size());
        return current.size();
    }

    public RuleSet current() {
        return current;
    }

    /** The file the rules come from, or null when there is none. */
    public Path file() {
        return file;
    }

    Listener listener() {
        return listener;
    }

    /** The rules as a detector: the set in force when each call is judged. */
    public Detector detector() {
        return new RulesDetector(this);
    }
}
