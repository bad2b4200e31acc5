package io.agentwatch.observe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Just enough of a PromQL lexer to tell which metric and label names an expression uses, so that
 * dashboards can be checked without a Prometheus. Whether an expression is valid PromQL at all is
 * left to a real Prometheus ({@code DashboardPromqlIT}).
 */
final class Promql {

    private static final Set<String> AGGREGATIONS = Set.of(
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
            "bottomk", "topk", "quantile", "limitk", "limit_ratio");

    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private static final Set<String> OTHER_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end");

    /** The names an expression uses: metrics (vector selectors) and labels (matchers and label lists). */
    record Names(Set<String> metrics, Set<String> labels, int selectors, List<String> matchers) {
    }

    private Promql() {
    }

    static Names names(String expr) {
        Set<String> metrics = new LinkedHashSet<>();
        Set<String> labels = new LinkedHashSet<>();
        List<String> matchers = new ArrayList<>();
        int selectors = 0;
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = skipPast(expr, i, ']');
            } else if (c == '{') {
                // A bare {…} is a selector too (the metric named by __name__).
                if (!endsWithIdentifier(expr, i)) {
                    selectors++;
                }
                int end = skipPast(expr, i, '}');
                String body = expr.substring(i + 1, end - 1);
                matchers.add(body);
                labels.addAll(matcherLabels(body));
                i = end;
            } else if (Character.isDigit(c) || c == '.') {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else if (isIdentifierStart(c)) {
                int start = i;
                while (i < n && isIdentifierPart(expr.charAt(i))) {
                    i++;
                }
                String word = expr.substring(start, i);
                char next = nextNonSpace(expr, i);
                if (LABEL_LIST_KEYWORDS.contains(word) && next == '(') {
                    int open = expr.indexOf('(', i);
                    int close = skipPast(expr, open, ')');
                    for (String label : expr.substring(open + 1, close - 1).split(",")) {
                        if (!label.isBlank()) {
                            labels.add(label.strip());
                        }
                    }
                    i = close;
                } else if (!AGGREGATIONS.contains(word) && !LABEL_LIST_KEYWORDS.contains(word)
                        && !OTHER_KEYWORDS.contains(word) && next != '(') {
                    metrics.add(word);
                    selectors++;
                }
            } else {
                i++;
            }
        }
        return new Names(metrics, labels, selectors, matchers);
    }

    private static Set<String> matcherLabels(String body) {
        Set<String> labels = new LinkedHashSet<>();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(body, i);
            } else if (isIdentifierStart(c)) {
                int start = i;
                while (i < body.length() && isIdentifierPart(body.charAt(i))) {
                    i++;
                }
                labels.add(body.substring(start, i));
            } else {
                i++;
            }
        }
        return labels;
    }

    private static int skipString(String s, int open) {
        char quote = s.charAt(open);
        int i = open + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return Math.min(i + 1, s.length());
    }

    /** Index just past the bracket that closes the one at {@code open}, skipping strings. */
    private static int skipPast(String s, int open, char close) {
        char opening = s.charAt(open);
        int depth = 0;
        int i = open;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(s, i);
                continue;
            }
            if (c == opening) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unbalanced '" + opening + "' at " + open + " in: " + s);
    }

    private static boolean endsWithIdentifier(String s, int before) {
        int i = before - 1;
        while (i >= 0 && Character.isWhitespace(s.charAt(i))) {
            i--;
        }
        return i >= 0 && isIdentifierPart(s.charAt(i));
    }

    private static char nextNonSpace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return s.charAt(i);
            }
        }
        return 0;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }
}
