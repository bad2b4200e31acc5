package io.agentwatch.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentwatch.catalog.Glob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rules for known false positives: a finding whose agent, tool, boundary, destinations and rule
 * all match a rule's globs (an absent field matches anything) is suppressed. The destination
 * field holds one glob, or several separated by commas (a destination never contains one): every
 * destination of the call must match one of them, so a call that also reaches someone else is
 * not suppressed. The file's rules can be reloaded while the application runs; readers always
 * see a complete set. Analysts' false-positive verdicts make rules of the same kind, per agent.
 *
 * <pre>
 * suppressions:
 *   - agent: spiffe://corp.example/agents/research-*
 *     tool: web_fetch
 *     destination: "*.wikipedia.org"
 *     rule: drift.*
 *     reason: research agents browse new sites all the time
 * </pre>
 */
public final class Suppressions {
    /** One rule; null fields match anything. */
    public record Rule(String agent, String tool, String boundary, String destination, String rule, String reason) {
        boolean matches(String agentId, String toolName, String boundaryName, List<String> destinations,
                        String ruleName) {
            return matches(agent, agentId) && matches(tool, toolName) && matches(boundary, boundaryName)
                    && destinationsMatch(destinations) && matches(rule, ruleName);
        }

        private boolean destinationsMatch(List<String> destinations) {
            if (destination == null) {
                return true;
            }
            if (destinations.isEmpty()) {
                return false;
            }
            List<Pattern> globs = Stream.of(destination.split(",")).map(String::strip)
                    .map(g -> Glob.toPattern(g, Pattern.CASE_INSENSITIVE)).toList();
            return destinations.stream().allMatch(d -> globs.stream().anyMatch(g -> g.matcher(d).matches()));
        }

        private static boolean matches(String glob, String value) {
            return glob == null || Glob.matches(glob, value == null ? "" : value);
        }
    }

    private final Path file;
    private volatile List<Rule> rules;

    private Suppressions(Path file, List<Rule> rules) {
        this.file = file;
        this.rules = List.copyOf(rules);
    }

    public static Suppressions none() {
        return new Suppressions(null, List.of());
    }

    public static Suppressions of(List<Rule> rules) {
        return new Suppressions(null, rules);
    }

    /** From {@code file} when given, else none. */
    public static Suppressions fromConfig(String file) {
        if (file == null || file.isBlank()) {
            return none();
        }
        Path path = Path.of(file);
        return new Suppressions(path, read(path));
    }

    /** Re-reads the file; on error the current rules stay and the error says what is wrong. */
    public int reload() {
        if (file != null) {
            rules = List.copyOf(read(file));
        }
        return rules.size();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The first of this file's rules that matches, or null. */
    public Rule match(String agentId, String tool, String boundary, List<String> destinations, String rule) {
        return first(rules, agentId, tool, boundary, destinations, rule);
    }

    /** The first of {@code rules} that matches, or null. */
    public static Rule first(List<Rule> rules, String agentId, String tool, String boundary, List<String> destinations,
                             String rule) {
        for (Rule r : rules) {
            if (r.matches(agentId, tool, boundary, destinations, rule)) {
                return r;
            }
        }
        return null;
    }

    private static List<Rule> read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            JsonNode list = root == null ? null : root.get("suppressions");
            if (list == null || !list.isArray()) {
                throw new IllegalArgumentException(path + ": expected a top-level 'suppressions:' list");
            }
            List<Rule> out = new ArrayList<>();
            for (JsonNode n : list) {
                out.add(new Rule(text(n, "agent"), text(n, "tool"), text(n, "boundary"), text(n, "destination"),
                        text(n, "rule"), text(n, "reason")));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read suppressions file " + path + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
