package io.agentwatch.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Maps a token's purpose (the task, in the principal's words) to a task type, so behaviour can be
 * learned per task type. Free text is never learned as such: it would memorise users' prompts and
 * never repeat. Rules in file order, first match wins, case-insensitive: {@code match} is a glob
 * over the whole purpose, {@code regex} a regular expression found anywhere in it. A purpose that
 * no rule matches has no task type.
 *
 * <pre>
 * types:
 *   - match: "draft*change request*"
 *     type: change-draft
 *   - regex: "\\bdeploy(s|ing)?\\b"
 *     type: deploy
 * </pre>
 */
public final class TaskTypes {
    /** Task type names: short, so they fit in findings and observations as they are. */
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private record Rule(Pattern pattern, boolean whole, String type) {
        boolean matches(String purpose) {
            return whole ? pattern.matcher(purpose).matches() : pattern.matcher(purpose).find();
        }
    }

    private static final TaskTypes NONE = new TaskTypes(List.of());
    /** Purposes whose type is remembered: every call asks, and a token's purpose repeats with each call. */
    static final int MAX_CACHED_PURPOSES = 10_000;
    private static final String NO_TYPE = "";

    private final List<Rule> rules;
    private final Map<String, String> resolved = new ConcurrentHashMap<>();

    private TaskTypes(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No mapping: no task baselines. */
    public static TaskTypes none() {
        return NONE;
    }

    /** {@code file} when given, else none. */
    public static TaskTypes fromConfig(String file) {
        return file == null || file.isBlank() ? NONE : load(Path.of(file));
    }

    public static TaskTypes load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read task types " + file + ": " + e.getMessage(), e);
        }
    }

    static TaskTypes parse(InputStream in, String source) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        JsonNode types = root == null ? null : root.get("types");
        if (types == null || !types.isArray()) {
            throw new IllegalArgumentException(source + ": expected a top-level 'types:' list of {match or regex, type}");
        }
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode t : types) {
            i++;
            String where = source + ": types entry " + i;
            String type = text(t, "type");
            if (type == null || !TYPE_NAME.matcher(type).matches()) {
                throw new IllegalArgumentException(where + ": 'type' must be a name of letters, digits, '.', '-' or '_'"
                        + " (at most 64), got " + (type == null ? "none" : "'" + type + "'"));
            }
            String glob = text(t, "match");
            String regex = text(t, "regex");
            if ((glob == null) == (regex == null)) {
                throw new IllegalArgumentException(where + ": give exactly one of 'match' (a glob over the whole"
                        + " purpose) or 'regex' (found anywhere in it)");
            }
            int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
            try {
                rules.add(glob != null ? new Rule(Glob.toPattern(glob, flags | Pattern.DOTALL), true, type)
                        : new Rule(Pattern.compile(regex, flags), false, type));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ": 'regex' is not a valid regular expression: "
                        + e.getDescription(), e);
            }
        }
        return new TaskTypes(rules);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** True when a mapping is configured: only then are task baselines learned and consulted. */
    public boolean isEnabled() {
        return !rules.isEmpty();
    }

    /** The task type of {@code purpose}, or null when no rule matches (or there is no purpose). */
    public String typeOf(String purpose) {
        if (purpose == null || purpose.isBlank() || rules.isEmpty()) {
            return null;
        }
        String cached = resolved.get(purpose);
        if (cached == null) {
            // Purposes come from input events: when full, start over rather than grow.
            if (resolved.size() >= MAX_CACHED_PURPOSES) {
                resolved.clear();
            }
            cached = resolved.computeIfAbsent(purpose, this::resolve);
        }
        return cached.equals(NO_TYPE) ? null : cached;
    }

    /** Purposes whose type is cached now (tests). */
    int cachedPurposes() {
        return resolved.size();
    }

    private String resolve(String purpose) {
        for (Rule r : rules) {
            if (r.matches(purpose)) {
                return r.type();
            }
        }
        return NO_TYPE;
    }
}
