package io.agentwatch.trust;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON Canonicalization Scheme of RFC 8785 (JCS): the one byte sequence a JSON value has,
 * so that a signature made over it in one language verifies in another. Object members sorted
 * by their names' UTF-16 code units, no whitespace, strings with the minimal escaping of
 * ECMAScript's JSON.stringify, numbers as ECMAScript's Number::toString prints an IEEE-754
 * double. Values outside I-JSON (NaN, infinities, lone surrogates, duplicate names when parsing
 * text) are refused, as the RFC requires.
 */
public final class CanonicalJson {
    /** Duplicate member names are an error in I-JSON; Jackson would silently keep the last one. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** 2^53: below it every integer is a double, and its decimal digits are its shortest form. */
    private static final double SAFE_INTEGER_LIMIT = 9_007_199_254_740_992.0;

    private CanonicalJson() {
    }

    /** The canonical form of a JSON text. */
    public static String of(String jsonText) {
        try {
            return of(STRICT.readTree(jsonText));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not canonicalizable JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String of(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /** The canonical form as UTF-8, the bytes that are signed. */
    public static byte[] bytes(JsonNode value) {
        return of(value).getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                // String.compareTo compares UTF-16 code units, which is the order RFC 8785 asks for.
                names.sort(String::compareTo);
                out.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(names.get(i), out);
                    out.append(':');
                    write(node.get(names.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node.doubleValue()));
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("lone surrogate U+" + Integer.toHexString(c)
                        + " at index " + i + ": not a Unicode string (I-JSON)");
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** ECMAScript's Number::toString (ECMA-262 7.1.12.1) of a finite double. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(d + " is not a JSON number (I-JSON allows finite numbers only)");
        }
        if (d == 0) {
            return "0"; // -0 too
        }
        if (d < 0) {
            return "-" + number(-d);
        }
        if (d < SAFE_INTEGER_LIMIT && d == Math.rint(d)) {
            return Long.toString((long) d); // timestamps and counts: exact, and the same digits ECMAScript prints
        }
        BigDecimal digits = shortestRoundTrip(d);
        String s = digits.unscaledValue().toString();
        int k = s.length();
        int n = k - digits.scale(); // d = 0.s × 10^n
        if (k <= n && n <= 21) {
            return s + "0".repeat(n - k);
        }
        if (0 < n && n <= 21) {
            return s.substring(0, n) + "." + s.substring(n);
        }
        if (-6 < n && n <= 0) {
            return "0." + "0".repeat(-n) + s;
        }
        int e = n - 1;
        String exponent = "e" + (e < 0 ? "-" : "+") + Math.abs(e);
        return k == 1 ? s + exponent : s.charAt(0) + "." + s.substring(1) + exponent;
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code d}; of two such,
     * the one closer to {@code d}, and of two equally close, the one whose last digit is even
     * (the ECMAScript rule). Java 17's Double.toString does not always give the fewest digits.
     */
    private static BigDecimal shortestRoundTrip(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downReadsBack = down.doubleValue() == d;
            boolean upReadsBack = up.doubleValue() == d;
            BigDecimal chosen;
            if (downReadsBack && upReadsBack) {
                int closer = exact.subtract(down).compareTo(up.subtract(exact));
                chosen = closer < 0 ? down : closer > 0 ? up
                        : down.unscaledValue().testBit(0) ? up : down;
            } else if (downReadsBack) {
                chosen = down;
            } else if (upReadsBack) {
                chosen = up;
            } else {
                continue;
            }
            return chosen.stripTrailingZeros();
        }
        throw new IllegalStateException("no 17-digit decimal reads back as " + d);
    }
}
