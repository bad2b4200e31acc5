package io.agentwatch.rules;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelVariableResolver;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.catalog.Glob;
import io.agentwatch.detect.CallContext;
import io.agentwatch.state.Grain;
import io.agentwatch.state.SessionActivity;
import io.agentwatch.state.TokenState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a rule's condition can read: a small, fixed set of variables and functions over the
 * {@link CallContext} of the call being judged (the README's "Writing a rule" lists them). A
 * variable is computed only when a rule reads it. Every list and map has a bound ({@link
 * Variable#maxEntries}) that evaluation enforces and the cost estimate relies on, and strings are
 * at most {@code input.max.field.chars} long. Absent values are empty ("" or []), never null, so a
 * condition needs no null checks.
 */
public final class RuleVariables {
    /** One variable: its name as rules write it, its CEL type, the bound of a list or map, and what it means. */
    public record Variable(String name, CelType type, int maxEntries, String doc, Function<CallContext, Object> value) {
    }

    /** One function: its signature as rules write it and what it means. */
    public record FunctionDoc(String signature, String doc) {
    }

    /** Sessions remember at most this many boundaries and recent tools (see SessionActivity). */
    static final int SESSION_LIST_MAX = 32;
    /** Sessions remember where sensitive data was read in at most this many boundaries. */
    static final int SENSITIVE_READS_MAX = 16;
    private static final int GLOB_CACHE_MAX = 1024;

    private static final CelType STRINGS = ListType.create(SimpleType.STRING);
    private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();

    private final Map<String, Variable> variables = new LinkedHashMap<>();
    private final int maxEntries;

    /** @param maxEntries input.max.list.entries: the bound of lists and maps taken from the input */
    RuleVariables(int maxEntries) {
        this.maxEntries = maxEntries;
        call();
        token();
        session();
        baseline();
    }

    private void call() {
        add("agent.id", SimpleType.STRING, "SPIFFE id of the agent", c -> c.call().agentId());
        add("call.tool", SimpleType.STRING, "tool name", c -> c.call().tool());
        add("call.operation", SimpleType.STRING, "READ, WRITE, DELETE, SEND, EXECUTE or DELEGATE (event, else catalog)",
                c -> c.call().operation().name());
        add("call.target", SimpleType.STRING, "resource or recipient", c -> text(c.call().target()));
        add("call.boundary", SimpleType.STRING, "trust boundary of the target", c -> text(c.call().boundary()));
        add("call.sensitivity", SimpleType.STRING, "PUBLIC, INTERNAL, CONFIDENTIAL or RESTRICTED",
                c -> c.call().sensitivity().name());
        add("call.scope", SimpleType.STRING, "OAuth scope the call needs", c -> text(c.call().requiredScope()));
        add("call.outcome", SimpleType.STRING, "OK, DENIED or ERROR",
                c -> c.call().outcome() == null ? "" : c.call().outcome().name());
        add("call.delegated_to", SimpleType.STRING, "agent id a DELEGATE hands work to", c -> text(c.call().delegatedTo()));
        add("call.time", SimpleType.TIMESTAMP, "event time (getHours() etc. are UTC unless given a time zone)",
                c -> Instant.ofEpochMilli(c.call().time()));
        addList("call.destinations", maxEntries, "parties the call's parameters go to (URL host, mail addresses, payee)",
                c -> c.call().destinations());
        addList("call.flags", 4, "catalog and event flags: untrusted_input, private_data, external_sink, financial",
                c -> c.call().flags().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
        add("call.reaches_party", SimpleType.BOOL, "the call hands data to an outside party (sink, money, network target)",
                c -> c.call().reachesParty());
        variables.put("call.attributes", new Variable("call.attributes",
                MapType.create(SimpleType.STRING, SimpleType.STRING), maxEntries,
                "the event's attributes, as strings (double(call.attributes[\"amount\"]) for a number)",
                c -> c.call().attributes()));
    }

    private void token() {
        add("token.present", SimpleType.BOOL, "the call presented a token issued to this agent", c -> c.token() != null);
        add("token.id", SimpleType.STRING, "token id", c -> c.token() == null ? "" : text(c.token().tokenId()));
        addList("token.scopes", maxEntries, "scopes the token grants ([] when absent or unrestricted: use token.grants)",
                c -> c.token() == null || c.token().scopes() == null ? List.of() : c.token().scopes());
        addList("token.boundaries", maxEntries,
                "boundaries the token allows ([] when absent or unrestricted: use token.allows_boundary)",
                c -> c.token() == null || c.token().boundaries() == null ? List.of() : c.token().boundaries());
        add("token.purpose", SimpleType.STRING, "the task the token was issued for",
                c -> c.token() == null ? "" : text(c.token().purpose()));
        add("token.delegated", SimpleType.BOOL, "the token was delegated by another agent (actor chain not empty)",
                c -> c.token() != null && !c.token().actorChain().isEmpty());
    }

    private void session() {
        add("session.id", SimpleType.STRING, "session id", c -> c.call().sessionId());
        add("session.events", SimpleType.INT, "calls in the session before this one", c -> (long) c.activity().events());
        addList("session.sensitive_read_boundaries", SENSITIVE_READS_MAX,
                "boundaries where the session read CONFIDENTIAL+ or private data", c -> c.activity().sensitiveReadBoundaries());
        add("session.read_restricted", SimpleType.BOOL, "the session read RESTRICTED data before this call",
                c -> c.activity().highestSensitiveRead() == Sensitivity.RESTRICTED);
        add("session.untrusted_input", SimpleType.BOOL, "the session took in content a third party can write",
                c -> c.activity().untrustedInputEventId() != null);
        add("session.refused", SimpleType.BOOL, "a call of the session was DENIED", c -> c.activity().refusedEventId() != null);
        addList("session.boundaries", SESSION_LIST_MAX, "boundaries the session touched", c -> c.activity().boundaries());
        addList("session.tools", SESSION_LIST_MAX, "tools of the session's recent calls, each once, oldest first",
                c -> recentTools(c.activity()));
        add("session.risk", SimpleType.INT, "risk the session's findings added up to (0-1000)",
                c -> (long) c.session().response().risk());
    }

    private void baseline() {
        add("baseline.active", SimpleType.BOOL, "the agent's baseline has learned enough to judge novelty",
                c -> c.baseline().isActive());
        add("baseline.learned_events", SimpleType.INT, "clean calls the baseline learned", c -> c.baseline().learnedEvents());
    }

    /** The functions rules may call, besides CEL's standard library. */
    public static List<FunctionDoc> functions() {
        return List.of(
                new FunctionDoc("string.glob(pattern) -> bool", "the whole string matches a shell glob (* and ?), case-insensitive"),
                new FunctionDoc("token.grants(scope) -> bool", "the call's token grants the scope (false without a token; wildcards as in the credential check)"),
                new FunctionDoc("token.allows_boundary(boundary) -> bool", "the call's token allows the boundary (true when it does not restrict boundaries; false without a token)"),
                new FunctionDoc("baseline.known_destination(destination) -> bool", "the destination is in the baseline: used in enough clean sessions and not implicated"),
                new FunctionDoc("baseline.implicated(destination) -> bool", "an earlier revoke named the destination"),
                new FunctionDoc("baseline.seen(grain, value) -> bool", "the baseline has seen the value in a grain: tool, tool_operation, boundary, target, transition, egress, recipient, flow"));
    }

    static List<CelFunctionDecl> declarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("glob", CelOverloadDecl.newMemberOverload("string_glob",
                        SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING)),
                global("token.grants", "token_grants", SimpleType.STRING),
                global("token.allows_boundary", "token_allows_boundary", SimpleType.STRING),
                global("baseline.known_destination", "baseline_known_destination", SimpleType.STRING),
                global("baseline.implicated", "baseline_implicated", SimpleType.STRING),
                global("baseline.seen", "baseline_seen", SimpleType.STRING, SimpleType.STRING));
    }

    /**
     * The functions, bound once when the rules are compiled. Those that read the call's context
     * find it in {@link #CURRENT}, the call the current thread is judging: binding them anew for
     * every call (CEL's late bindings) costs an allocation per function and call for nothing.
     */
    static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_glob", String.class, String.class, RuleVariables::glob),
                CelFunctionBinding.from("token_grants", String.class, s -> {
                    CallContext c = CURRENT.get();
                    return c.token() != null && c.token().grants(s);
                }),
                CelFunctionBinding.from("token_allows_boundary", String.class, b -> {
                    CallContext c = CURRENT.get();
                    return c.token() != null && c.token().allowsBoundary(b);
                }),
                CelFunctionBinding.from("baseline_known_destination", String.class, d -> {
                    CallContext c = CURRENT.get();
                    return c.baseline().destinations().isKnown(d, c.settings().quarantineSessions());
                }),
                CelFunctionBinding.from("baseline_implicated", String.class,
                        d -> CURRENT.get().baseline().destinations().isImplicated(d)),
                CelFunctionBinding.from("baseline_seen", String.class, String.class, (grain, value) -> {
                    Grain g = CURRENT.get().baseline().grains().get(grain);
                    return g != null && !g.estimate(value).unseen();
                }));
    }

    /** The call the current thread's rules are judging, while {@link RuleSet#evaluate} runs. */
    static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

    /**
     * Resolves the variables of one call lazily: only those a rule reads are computed, each once
     * for all the rules that read it.
     */
    CelVariableResolver resolver(CallContext c) {
        Map<String, Optional<Object>> resolved = new java.util.HashMap<>();
        return name -> resolved.computeIfAbsent(name, n -> {
            Variable v = variables.get(n);
            return v == null ? Optional.empty() : Optional.of(bounded(v, v.value().apply(c)));
        });
    }

    public List<Variable> all() {
        return List.copyOf(variables.values());
    }

    Variable get(String name) {
        return variables.get(name);
    }

    private static CelFunctionDecl global(String name, String overload, CelType... args) {
        return CelFunctionDecl.newFunctionDeclaration(name,
                CelOverloadDecl.newGlobalOverload(overload, SimpleType.BOOL, args));
    }

    private void add(String name, CelType type, String doc, Function<CallContext, Object> value) {
        variables.put(name, new Variable(name, type, 0, doc, value));
    }

    private void addList(String name, int max, String doc, Function<CallContext, Object> value) {
        variables.put(name, new Variable(name, STRINGS, max, doc, value));
    }

    /** A list or map cut to the variable's bound, so that the cost estimate holds whatever the input. */
    private static Object bounded(Variable v, Object value) {
        if (v.maxEntries() > 0 && value instanceof java.util.Collection<?> list && list.size() > v.maxEntries()) {
            return List.copyOf(new ArrayList<>(list).subList(0, v.maxEntries()));
        }
        if (value instanceof java.util.Collection<?> list && !(value instanceof List<?>)) {
            return List.copyOf(list);
        }
        return value;
    }

    private static List<String> recentTools(SessionActivity a) {
        LinkedHashSet<String> tools = new LinkedHashSet<>();
        for (SessionActivity.Step s : a.recent()) {
            tools.add(s.tool());
        }
        return List.copyOf(tools);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static boolean glob(String value, String pattern) {
        Pattern p = GLOBS.get(pattern);
        if (p == null) {
            p = Glob.toPattern(pattern, Pattern.CASE_INSENSITIVE);
            if (GLOBS.size() < GLOB_CACHE_MAX) {
                GLOBS.put(pattern, p);
            }
        }
        return p.matcher(value).matches();
    }
}
