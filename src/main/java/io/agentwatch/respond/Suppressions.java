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

/**
 * Rules for known false positives: a finding whose agent, tool, boundary and rule all match a
 * rule's globs (an absent field matches anything) is suppressed. The rules can be reloaded
 * while the application runs; readers always see a complete set.
 *
 * <pre>
 * suppressions:
 *   - agent: spiffe://corp.example/agents/research-*
 *     tool: web_fetch
 *     rule: drift.*
 *     reason: research agents browse new sites all the time
 * </pre>
 */
public final class Suppressions {
    /** One rule; null fields match anything. */
    public record Rule(String agent, String tool, String boundary, String rule, String reason) {
        boolean matches(String agentId, String toolName, String boundaryName, String ruleName) {
            return matches(agent, agentId) && matches(tool, toolName) && matches(boundary, boundaryName)
                    && matches(rule, ruleName);
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

    /** The first matching rule, or null. */
    public Rule match(String agentId, String tool, String boundary, String rule) {
        for (Rule r : rules) {
            if (r.matches(agentId, tool, boundary, rule)) {
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
                out.add(new Rule(text(n, "agent"), text(n, "tool"), text(n, "boundary"), text(n, "rule"),
                        text(n, "reason")));
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
