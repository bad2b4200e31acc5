package io.agentwatch.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import java.util.Optional;

/**
 * An upper bound of what evaluating a rule's condition costs for one call, in cost units: one
 * unit per node evaluated, plus one unit per ten characters a string operation may have to scan;
 * a comprehension ({@code exists}, {@code all}, {@code filter}, {@code map}, {@code exists_one})
 * costs its body times the most elements its list can hold. The bounds come from the input
 * limits: strings at most {@code input.max.field.chars} long, lists and maps at most their
 * variable's bound (see {@link RuleVariables}). Evaluation enforces those bounds, so a rule
 * under {@code rules.max.cost} stays under it for every call, whatever an agent sends.
 *
 * <p>CEL for Java (0.14) has no cost estimator of its own (CEL for Go's checker has one); this
 * walks the checked syntax tree CEL produces, in the same spirit.
 */
final class RuleCost {
    private static final int CHARS_PER_UNIT = 10;

    private final CelAbstractSyntaxTree ast;
    private final RuleVariables variables;
    private final int maxChars;
    private final int maxEntries;

    private RuleCost(CelAbstractSyntaxTree ast, RuleVariables variables, int maxChars, int maxEntries) {
        this.ast = ast;
        this.variables = variables;
        this.maxChars = maxChars;
        this.maxEntries = maxEntries;
    }

    /** The cost bound of a checked condition, saturating at Long.MAX_VALUE. */
    static long estimate(CelAbstractSyntaxTree ast, RuleVariables variables, int maxChars, int maxEntries) {
        return new RuleCost(ast, variables, maxChars, maxEntries).cost(ast.getExpr());
    }

    private long cost(CelExpr e) {
        return switch (e.exprKind().getKind()) {
            case CONSTANT, NOT_SET -> 0;
            case IDENT -> 1;
            case SELECT -> add(cost(e.select().operand()), 1);
            case LIST -> e.list().elements().stream().mapToLong(this::cost).reduce(1, RuleCost::add);
            case MAP -> e.map().entries().stream().mapToLong(x -> add(cost(x.key()), cost(x.value())))
                    .reduce(1, RuleCost::add);
            case STRUCT -> e.struct().entries().stream().mapToLong(x -> cost(x.value())).reduce(1, RuleCost::add);
            case CALL -> call(e.call());
            case COMPREHENSION -> comprehension(e.comprehension());
        };
    }

    private long call(CelExpr.CelCall c) {
        long args = c.target().map(this::cost).orElse(0L);
        for (CelExpr a : c.args()) {
            args = add(args, cost(a));
        }
        CelExpr receiver = c.target().orElse(c.args().isEmpty() ? null : c.args().get(0));
        CelExpr argument = c.target().isPresent() ? first(c) : second(c);
        long own = switch (c.function()) {
            // Scan the receiver (and, for contains, the pattern against each position).
            case "matches", "glob", "contains" -> add(1, add(scan(receiver), argument == null ? 0 : scan(argument)));
            // Compare a prefix or suffix: as long as the argument.
            case "startsWith", "endsWith" -> add(1, argument == null ? 0 : scan(argument));
            case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_" -> add(1, Math.min(scan(receiver), scan(argument)));
            case "_+_" -> add(1, add(scan(receiver), scan(argument)));
            // Membership in a list looks at every element; in a map it is one lookup.
            case "@in" -> isMap(argument) ? 1 : multiply(size(argument), add(1, scan(receiver)));
            default -> 1;
        };
        return add(args, own);
    }

    private long comprehension(CelExpr.CelComprehension c) {
        long body = add(cost(c.loopCondition()), cost(c.loopStep()));
        return add(add(cost(c.iterRange()), cost(c.accuInit())), add(multiply(size(c.iterRange()), body),
                cost(c.result())));
    }

    /** Units to scan a string expression: its longest possible length, per ten characters. */
    private long scan(CelExpr e) {
        if (e == null || !isString(e)) {
            return 0;
        }
        return (length(e) + CHARS_PER_UNIT - 1) / CHARS_PER_UNIT;
    }

    private long length(CelExpr e) {
        if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && e.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
            return e.constant().stringValue().length();
        }
        if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("_+_")) {
            return e.call().args().stream().mapToLong(this::length).reduce(0, RuleCost::add);
        }
        return maxChars;
    }

    /** The most elements a list or map expression can hold. */
    private long size(CelExpr e) {
        if (e == null) {
            return maxEntries;
        }
        switch (e.exprKind().getKind()) {
            case LIST:
                return e.list().elements().size();
            case MAP:
                return e.map().entries().size();
            case COMPREHENSION:
                // filter and map yield at most as many elements as they read
                return size(e.comprehension().iterRange());
            case CALL:
                if (e.call().function().equals("_+_")) {
                    return e.call().args().stream().mapToLong(this::size).reduce(0, RuleCost::add);
                }
                return maxEntries;
            default:
                RuleVariables.Variable v = variable(e);
                return v != null && v.maxEntries() > 0 ? v.maxEntries() : maxEntries;
        }
    }

    private RuleVariables.Variable variable(CelExpr e) {
        Optional<CelReference> ref = ast.getReference(e.id());
        return ref.map(r -> variables.get(r.name())).orElse(null);
    }

    private boolean isString(CelExpr e) {
        return ast.getType(e.id()).map(t -> t.name().equals("string")).orElse(false);
    }

    private boolean isMap(CelExpr e) {
        return e != null && ast.getType(e.id()).map(t -> t.name().equals("map")).orElse(false);
    }

    private static CelExpr first(CelExpr.CelCall c) {
        return c.args().isEmpty() ? null : c.args().get(0);
    }

    private static CelExpr second(CelExpr.CelCall c) {
        return c.args().size() < 2 ? null : c.args().get(1);
    }

    private static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private static long multiply(long a, long b) {
        return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
    }
}
