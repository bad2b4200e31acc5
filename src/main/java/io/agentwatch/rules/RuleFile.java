package io.agentwatch.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import io.agentwatch.avro.Action;
import io.agentwatch.avro.Severity;
import io.agentwatch.frameworks.Frameworks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a rules file (YAML or JSON) and compiles every rule in it with CEL, once:
 *
 * <pre>
 * rules:
 *   - id: large-transfer
 *     description: money moved above the approval limit
 *     severity: HIGH
 *     action: REVOKE_SESSION          # ALERT, REVOKE_TOKEN, REVOKE_SESSION or REVOKE_AGENT
 *     tags: [finance, owasp-asi:ASI02, maestro:L7, nist-ai-rmf:MANAGE-2.4]
 *     condition: call.tool.glob("*transfer*") &amp;&amp; double(call.attributes["amount"]) &gt; 10000.0
 * </pre>
 *
 * A rule is refused when a field is missing, unknown or malformed, its id repeats, no tag names a
 * framework item, its condition does not compile to a bool, or its cost bound exceeds
 * {@code rules.max.cost}. The file is all or nothing: every problem is collected, and any problem
 * rejects the whole file.
 */
public final class RuleFile {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of("id", "description", "severity", "action", "tags", "condition");
    private static final int MAX_RULES = 500;
    private static final int MAX_CONDITION_CHARS = 4096;
    /** A runtime guard behind the cost bound: no comprehension runs longer than this. */
    private static final int MAX_ITERATIONS = 100_000;

    private final Cel cel;
    private final RuleVariables variables;
    private final int maxChars;
    private final int maxEntries;
    private final long maxCost;

    /**
     * @param maxChars   input.max.field.chars: the longest string a rule may scan
     * @param maxEntries input.max.list.entries: the longest list or map from the input
     * @param maxCost    rules.max.cost: the highest cost bound a rule may have
     */
    public RuleFile(int maxChars, int maxEntries, long maxCost) {
        this.variables = new RuleVariables(maxEntries);
        this.maxChars = maxChars;
        this.maxEntries = maxEntries;
        this.maxCost = maxCost;
        var builder = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current().enableRegexPartialMatch(true)
                        .comprehensionMaxIterations(MAX_ITERATIONS).build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addFunctionDeclarations(RuleVariables.declarations())
                .addFunctionBindings(RuleVariables.bindings())
                .setResultType(SimpleType.BOOL);
        variables.all().forEach(v -> builder.addVar(v.name(), v.type()));
        this.cel = builder.build();
    }

    public RuleVariables variables() {
        return variables;
    }

    /** Reads and compiles {@code file}; throws {@link RulesFileException} listing every problem. */
    public RuleSet load(Path file) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new RulesFileException(file, List.of("cannot read it: " + e.getMessage()));
        }
        JsonNode list = root == null ? null : root.get("rules");
        if (list == null || !list.isArray()) {
            throw new RulesFileException(file, List.of("expected a top-level 'rules:' list"));
        }
        if (list.size() > MAX_RULES) {
            throw new RulesFileException(file, List.of(list.size() + " rules; at most " + MAX_RULES + " are accepted"));
        }
        List<String> problems = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode node : list) {
            index++;
            String id = text(node, "id");
            String where = file.getFileName() + ": rule " + (id == null ? "#" + index : "'" + id + "'") + ": ";
            List<String> own = new ArrayList<>();
            Rule rule = compile(node, id, ids, own);
            own.forEach(p -> problems.add(where + p));
            if (rule != null && own.isEmpty()) {
                rules.add(rule);
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesFileException(file, problems);
        }
        return new RuleSet(rules, variables);
    }

    private Rule compile(JsonNode node, String id, Set<String> ids, List<String> problems) {
        if (!node.isObject()) {
            problems.add("expected a mapping with id, severity, action, tags and condition");
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add("unknown field '" + name + "' (fields: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        if (id == null || !ID.matcher(id).matches()) {
            problems.add("id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        } else if (!ids.add(id)) {
            problems.add("id used by an earlier rule");
        }
        Severity severity = parseEnum(node, "severity", Severity.class, List.of(Severity.values()), problems);
        Action action = parseEnum(node, "action", Action.class,
                List.of(Action.ALERT, Action.REVOKE_TOKEN, Action.REVOKE_SESSION, Action.REVOKE_AGENT), problems);
        List<String> free = new ArrayList<>();
        List<Frameworks.Item> references = new ArrayList<>();
        tags(node.get("tags"), free, references, problems);
        String condition = text(node, "condition");
        if (condition == null || condition.isBlank()) {
            problems.add("condition is required: a CEL expression over call.*, token.*, session.*, baseline.*");
            return null;
        }
        if (condition.length() > MAX_CONDITION_CHARS) {
            problems.add("condition is " + condition.length() + " characters long; at most " + MAX_CONDITION_CHARS);
            return null;
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = cel.compile(condition).getAst();
        } catch (CelValidationException e) {
            problems.add("condition does not compile: " + e.getMessage().replace("\n", " ")
                    + " (variables and functions: README, \"Writing a rule\")");
            return null;
        }
        long cost = RuleCost.estimate(ast, variables, maxChars, maxEntries);
        if (cost > maxCost) {
            problems.add("condition costs up to " + cost + " units per call, more than rules.max.cost (" + maxCost
                    + "): iterate over fewer or shorter lists (nested exists/all multiply), or raise rules.max.cost");
            return null;
        }
        try {
            return new Rule(id, text(node, "description"), severity, action, List.copyOf(free), List.copyOf(references),
                    condition.strip(), cost, cel.createProgram(ast));
        } catch (CelEvaluationException e) {
            problems.add("condition cannot be planned: " + e.getMessage());
            return null;
        }
    }

    private static void tags(JsonNode node, List<String> free, List<Frameworks.Item> references, List<String> problems) {
        if (node != null && !node.isArray()) {
            problems.add("tags must be a list");
            return;
        }
        if (node != null) {
            for (JsonNode t : node) {
                try {
                    Frameworks.Item item = Frameworks.parseTag(t.asText());
                    if (item == null) {
                        free.add(t.asText());
                    } else if (!references.contains(item)) {
                        references.add(item);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (references.isEmpty()) {
            problems.add("tags must name at least one framework item, e.g. owasp-asi:ASI02, maestro:L7 or"
                    + " nist-ai-rmf:MEASURE-2.4 (README, \"Framework mapping\")");
        }
    }

    private static <E extends Enum<E>> E parseEnum(JsonNode node, String field, Class<E> type, List<E> allowed,
                                                  List<String> problems) {
        String value = text(node, field);
        String names = String.join(", ", allowed.stream().map(Enum::name).toList());
        if (value == null) {
            problems.add(field + " is required (" + names + ")");
            return null;
        }
        try {
            E e = Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
            if (allowed.contains(e)) {
                return e;
            }
        } catch (IllegalArgumentException unknown) {
            // reported below
        }
        problems.add(field + " '" + value + "' is not one of " + names);
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
