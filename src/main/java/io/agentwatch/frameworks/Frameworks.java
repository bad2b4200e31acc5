package io.agentwatch.frameworks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The frameworks findings are mapped to, their items, and the one mapping table from the built-in
 * rules to those items. Analysts' rules name their items as tags ({@link #parseTag}). Only items
 * whose numbering and titles were checked against a readable copy of the framework are here
 * (sources in the README, "Framework mapping"); a tag naming anything else is refused.
 */
public final class Frameworks {
    public static final String OWASP_ASI = "OWASP-ASI-2026";
    public static final String MAESTRO = "CSA-MAESTRO";
    public static final String NIST_AI_RMF = "NIST-AI-RMF-1.0";

    /** One item of a framework: ASI02 of the OWASP list, layer L7 of MAESTRO, MEASURE 2.4 of the AI RMF. */
    public record Item(String framework, String id, String name) {
        /** The metric label value of the framework: a short, fixed spelling. */
        public String frameworkLabel() {
            return label(framework);
        }

        /** How an analyst's rule names it: owasp-asi:ASI02, maestro:L7, nist-ai-rmf:MEASURE-2.4. */
        public String tag() {
            return switch (framework) {
                case OWASP_ASI -> "owasp-asi:" + id;
                case MAESTRO -> "maestro:" + id;
                default -> "nist-ai-rmf:" + id.replace(' ', '-');
            };
        }
    }

    private static final Map<String, Item> ITEMS = new LinkedHashMap<>();

    static {
        // OWASP Top 10 for Agentic Applications 2026, "Agentic Top 10 At A Glance".
        asi("ASI01", "Agent Goal Hijack");
        asi("ASI02", "Tool Misuse & Exploitation");
        asi("ASI03", "Identity & Privilege Abuse");
        asi("ASI04", "Agentic Supply Chain Vulnerabilities");
        asi("ASI05", "Unexpected Code Execution (RCE)");
        asi("ASI06", "Memory & Context Poisoning");
        asi("ASI07", "Insecure Inter-Agent Communication");
        asi("ASI08", "Cascading Failures");
        asi("ASI09", "Human-Agent Trust Exploitation");
        asi("ASI10", "Rogue Agents");
        // CSA MAESTRO, the seven layers of its reference architecture.
        layer(1, "Foundation Models");
        layer(2, "Data Operations");
        layer(3, "Agent Frameworks");
        layer(4, "Deployment and Infrastructure");
        layer(5, "Evaluation and Observability");
        layer(6, "Security and Compliance");
        layer(7, "Agent Ecosystem");
        // NIST AI RMF 1.0 (NIST AI 100-1), every subcategory of its four functions; titles only for
        // those the built-in rules cite (the subcategories are sentences, not names).
        nist("GOVERN", 7, 3, 2, 3, 2, 2);
        nist("MAP", 6, 3, 5, 2, 2);
        nist("MEASURE", 3, 13, 3, 3);
        nist("MANAGE", 4, 4, 2, 3);
        title("MEASURE 2.4", "functionality and behavior of the AI system are monitored in production");
        title("MANAGE 2.4", "mechanisms to supersede, disengage or deactivate AI systems with outcomes inconsistent with intended use");
    }

    /**
     * The mapping table: each built-in rule and the items it relates to. Why each row says what it
     * says is in the README ("Framework mapping"); a test fails when a rule has no row.
     */
    private static final Map<String, List<Item>> BY_RULE = new LinkedHashMap<>();

    static {
        // Credentials: a call or delegation with privileges the agent's identity does not hold.
        for (String rule : List.of("token.revoked", "token.expired", "token.unknown", "token.foreign",
                "scope.not_granted", "boundary.not_allowed", "delegation.escalation", "delegation.invalid_delegator")) {
            row(rule, "ASI03", "L7", "MEASURE 2.4", "MANAGE 2.4");
        }
        row("token.revocation_ordered", "ASI03", "L7", "MEASURE 2.4");
        row("probing.denied", "ASI03", "L7", "MEASURE 2.4", "MANAGE 2.4");
        // Drift: the agent acting outside what it normally does.
        row("drift.action", "ASI10", "L7", "MEASURE 2.4");
        row("drift.session", "ASI10", "L7", "MEASURE 2.4");
        row("drift.high_impact", "ASI02", "ASI10", "L7", "MEASURE 2.4", "MANAGE 2.4");
        // Chains: legitimate tools used to move data or act where the agent never does.
        row("chain.exfiltration", "ASI02", "L2", "L7", "MEASURE 2.4", "MANAGE 2.4");
        row("chain.toxic_flow", "ASI01", "ASI02", "L2", "L7", "MEASURE 2.4", "MANAGE 2.4");
        row("chain.cross_boundary", "ASI02", "L7", "MEASURE 2.4");
        row("chain.new_destination", "ASI02", "L7", "MEASURE 2.4", "MANAGE 2.4");
        row("chain.unvetted_source", "ASI01", "L7", "MEASURE 2.4", "MANAGE 2.4");
        row("chain.boundary_hopping", "ASI10", "L7", "MEASURE 2.4");
        row("rate.burst", "ASI02", "L4", "MEASURE 2.4");
        // A flood of sessions from one agent, against the monitor's own state: no ASI item is about that.
        row("session.evicted", "L4", "MEASURE 2.4");
        // The response itself: a revocation the credential broker did not carry out.
        row("revoke.unconfirmed", "L6", "MANAGE 2.4");
        // Task intent: an action the agent takes elsewhere but this task never asked for.
        row("intent.unexpected_for_task", "ASI01", "ASI10", "L7", "MEASURE 2.4");
        // Credential hygiene: privileges that outlive or exceed the task (reported, never revoked).
        for (String rule : List.of("token.ttl_exceeded", "token.standing", "scope.unused")) {
            row(rule, "ASI03", "L6", "MEASURE 2.4");
        }
        // A token presented outside the task it was issued for.
        for (String rule : List.of("token.cross_session", "token.after_session")) {
            row(rule, "ASI03", "L7", "MEASURE 2.4", "MANAGE 2.4");
        }
        // Step-up approval: a person's decision, or its absence, on a suspended high-impact call.
        for (String rule : List.of("approval.approved", "approval.denied", "approval.timeout", "approval.unmatched")) {
            row(rule, "L6", "MANAGE 2.4");
        }
    }

    private static final Pattern TAG = Pattern.compile("(?i)(owasp-asi|maestro|nist-ai-rmf):(.+)");

    private Frameworks() {
    }

    /** The metric label value of a framework (a FrameworkReference's framework): owasp_asi, maestro, nist_ai_rmf. */
    public static String label(String framework) {
        return switch (framework) {
            case OWASP_ASI -> "owasp_asi";
            case MAESTRO -> "maestro";
            case NIST_AI_RMF -> "nist_ai_rmf";
            default -> "other";
        };
    }

    /** The items a built-in rule relates to; empty for a rule without a row. */
    public static List<Item> forRule(String rule) {
        return BY_RULE.getOrDefault(rule, List.of());
    }

    /** The built-in rules that have a row. */
    public static Set<String> mappedRules() {
        return Collections.unmodifiableSet(BY_RULE.keySet());
    }

    /** The items of the mapping table, each once: the metric's series that exist from start-up. */
    public static List<Item> mappedItems() {
        Set<Item> out = new LinkedHashSet<>();
        BY_RULE.values().forEach(out::addAll);
        return List.copyOf(out);
    }

    /** Every item agentwatch knows: the bound on the metric's label values. */
    public static int knownItems() {
        return ITEMS.size();
    }

    /**
     * The item a rule tag names, or null when the tag names no framework (a free-form tag).
     *
     * @throws IllegalArgumentException when it names a framework but no item of it
     */
    public static Item parseTag(String tag) {
        Matcher m = TAG.matcher(tag.strip());
        if (!m.matches()) {
            return null;
        }
        String framework = m.group(1).toLowerCase(Locale.ROOT);
        String value = m.group(2).strip().toUpperCase(Locale.ROOT);
        String key = switch (framework) {
            case "owasp-asi" -> value;
            case "maestro" -> value.startsWith("L") ? value : "L" + value;
            default -> value.replace('-', ' ').replace('_', ' ');
        };
        Item item = ITEMS.get(key);
        if (item == null) {
            throw new IllegalArgumentException("tag '" + tag + "' names no item of " + switch (framework) {
                case "owasp-asi" -> "the OWASP Top 10 for Agentic Applications (owasp-asi:ASI01 .. owasp-asi:ASI10)";
                case "maestro" -> "CSA MAESTRO (maestro:L1 .. maestro:L7)";
                default -> "the NIST AI RMF 1.0 (a subcategory such as nist-ai-rmf:MEASURE-2.4)";
            });
        }
        return item;
    }

    private static void asi(String id, String name) {
        ITEMS.put(id, new Item(OWASP_ASI, id, name));
    }

    private static void layer(int n, String name) {
        ITEMS.put("L" + n, new Item(MAESTRO, "L" + n, name));
    }

    /** A function's subcategories: {@code counts[i]} of them in its category i + 1. */
    private static void nist(String function, int... counts) {
        for (int category = 1; category <= counts.length; category++) {
            for (int sub = 1; sub <= counts[category - 1]; sub++) {
                String id = function + " " + category + "." + sub;
                ITEMS.put(id, new Item(NIST_AI_RMF, id, null));
            }
        }
    }

    private static void title(String id, String name) {
        ITEMS.put(id, new Item(NIST_AI_RMF, id, name));
    }

    private static void row(String rule, String... items) {
        List<Item> list = new ArrayList<>();
        for (String id : items) {
            Item item = ITEMS.get(id);
            if (item == null) {
                throw new IllegalStateException("mapping of " + rule + " names unknown item " + id);
            }
            list.add(item);
        }
        BY_RULE.put(rule, List.copyOf(list));
    }
}
